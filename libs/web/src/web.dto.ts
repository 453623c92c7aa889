import { Type } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export class StepParam {
  @ApiProperty({ enum: [1, 2, 3, 4] })
  @Type(() => Number)
  @IsInt()
  @IsIn([1, 2, 3, 4])
  n!: 1 | 2 | 3 | 4;
}

export class UnitsQuery {
  @ApiPropertyOptional({ enum: ['metric', 'imperial'], description: 'Step 1: which units to ask in' })
  @IsOptional()
  @IsIn(['metric', 'imperial'])
  units?: 'metric' | 'imperial';
}

export class ResumeLinkQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  session_id!: string;

  @ApiProperty({ description: 'The token from the resume e-mail' })
  @IsString()
  @MaxLength(200)
  session_token!: string;
}

export class DevMailParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class PrivacyTokenParam {
  @ApiProperty({
    pattern: '^[A-Za-z0-9_-]{20,200}$',
    description: 'The secret from the e-mailed link (or the report link)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{20,200}$/)
  token!: string;
}

export class PrivacyReportPdfParam extends PrivacyTokenParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
