import { Type } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

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
