import { ApiProperty } from '@nestjs/swagger';
import { CustomerView, HealthProfileView } from '#libs/customers';
import { AuditEntryView } from '#libs/vendors';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';

export class EraseCustomersDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: 1000,
    example: ['CUST-0001', 'CUST-0002'],
    description: 'The external ids of the customers to erase (at most 1000 per request)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  external_ids!: string[];
}

export class ErasedCustomerView {
  @ApiProperty({ format: 'uuid' }) customer_id!: string;
  @ApiProperty({ enum: [true] }) erased!: true;
}

export class ErasedByExternalIdView {
  @ApiProperty() external_id!: string;
  @ApiProperty({ format: 'uuid' }) customer_id!: string;
}

export class ErasedCustomersView {
  @ApiProperty({ type: [ErasedByExternalIdView] }) erased!: ErasedByExternalIdView[];
  @ApiProperty({ type: [String], description: 'External ids with no customer (nothing to erase)' })
  not_found!: string[];
}

export class RejectedCsvValueView {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ description: 'The line of the CSV file (a string: it can exceed 2^53)' }) line_no!: string;
  @ApiProperty() column_name!: string;
  @ApiProperty({ type: String, nullable: true }) value!: string | null;
  @ApiProperty() reason!: string;
}

export class CustomerExportView {
  @ApiProperty({ type: CustomerView }) customer!: CustomerView;
  @ApiProperty({ type: HealthProfileView, nullable: true }) health_profile!: HealthProfileView | null;
  @ApiProperty({
    type: [RejectedCsvValueView],
    description: 'Rejected values of customer CSV files on lines that name the customer',
  })
  rejected_csv_lines!: RejectedCsvValueView[];
  @ApiProperty({
    type: [AuditEntryView],
    description:
      'Every audit entry about the customer: who read or changed their data, and when (this export included)',
  })
  audit!: AuditEntryView[];
  @ApiProperty() generated_at!: string;
}
