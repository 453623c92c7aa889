import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class TokenParam {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{20,200}$', description: 'The report access token' })
  @Matches(/^[A-Za-z0-9_-]{20,200}$/, { message: 'token is not a report access token' })
  token!: string;
}

export class RegenerateView {
  @ApiProperty({ enum: ['queued'] }) status!: 'queued';
  @ApiProperty({ type: 'integer', example: 2, description: 'The revision being written' }) revision!: number;
}

export class PdfPendingView {
  @ApiProperty({ enum: ['generating'] }) status!: 'generating';
}

export class ReportStatusView {
  @ApiProperty({ enum: ['queued', 'generating', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ minimum: 0, maximum: 5 }) stage!: number;
  @ApiProperty({ example: 'Analysing health' }) stage_name!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'An estimate while a worker is writing the report; null while no live worker is (one died and the report waits to be picked up again)',
  })
  time_remaining_seconds!: number | null;
  @ApiProperty() revision!: number;
  @ApiProperty() expires_at!: string;
}

export class ReportSectionView {
  @ApiProperty({ example: 'daily_targets' }) key!: string;
  @ApiProperty({ example: 'Your daily targets' }) title!: string;
}

export class ReportView {
  @ApiProperty({ enum: ['queued', 'generating', 'completed', 'failed'] }) status!: string;
  @ApiProperty() tier!: string;
  @ApiProperty() revision!: number;
  @ApiPropertyOptional() generated_at?: string;
  @ApiProperty() expires_at!: string;
  @ApiPropertyOptional({ type: [ReportSectionView] }) sections?: ReportSectionView[];
  @ApiPropertyOptional() markdown?: string;
  @ApiPropertyOptional({ description: 'Sanitised HTML of the report body' }) html?: string;
}
