import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Min, MaxLength } from 'class-validator';

export class CheckoutDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The session; the X-Session-Token’s own when omitted' })
  @IsOptional()
  @IsUUID()
  session_id?: string;

  @ApiProperty({ example: 'doctor', description: 'A tier code from GET /api/v1/calculator/tiers' })
  @IsString()
  @Matches(/^[a-z_]{1,40}$/)
  tier!: string;
}

export class VerifyDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The session; the X-Session-Token’s own when omitted' })
  @IsOptional()
  @IsUUID()
  session_id?: string;

  @ApiProperty({ example: 'cs_test_a1b2c3' })
  @IsString()
  @MaxLength(255)
  @Matches(/^[A-Za-z0-9_]+$/)
  checkout_session_id!: string;
}

export class CheckoutIdParam {
  @ApiProperty({ pattern: '^[A-Za-z0-9_]+$', maxLength: 255, example: 'cs_sandbox_a1b2c3' })
  @IsString()
  @MaxLength(255)
  @Matches(/^[A-Za-z0-9_]+$/)
  checkout_session_id!: string;
}

export class CheckoutReturnQuery {
  @ApiProperty({ pattern: '^[A-Za-z0-9_]+$', maxLength: 255, example: 'cs_sandbox_a1b2c3' })
  @IsString()
  @MaxLength(255)
  @Matches(/^[A-Za-z0-9_]+$/)
  checkout_session_id!: string;
}

export class SandboxRefundDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Cents to refund; all that is left when omitted',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  amount_cents?: number;
}

export class SandboxPaymentView {
  @ApiProperty({ example: 'cs_sandbox_a1b2c3' }) checkout_session_id!: string;
  @ApiProperty({ enum: ['pending', 'completed', 'failed', 'expired', 'refunded', 'disputed'] })
  status!: string;
  @ApiProperty({ type: 'integer' }) refunded_cents!: number;
}

export class WebhookReceivedView {
  @ApiProperty({ enum: [true] }) received!: true;
  @ApiPropertyOptional({ enum: [true], description: 'The event was processed before' }) duplicate?: true;
  @ApiPropertyOptional({ enum: [true], description: 'An event type or payment this service does not act on' })
  ignored?: true;
}

export class SandboxPaidView {
  @ApiProperty({ example: 'cs_sandbox_a1b2c3' }) checkout_session_id!: string;
  @ApiProperty({ enum: ['paid'] }) status!: 'paid';
}

export class CheckoutView {
  @ApiProperty() checkout_session_id!: string;
  @ApiProperty() checkout_url!: string;
}

export class VerifiedPaymentView {
  @ApiProperty({ description: 'The report access token (256-bit); shown once per call' })
  access_token!: string;
  @ApiProperty() expires_at!: string;
  @ApiProperty({ example: 'http://localhost:3000/r/…' }) report_url!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/reports/…/status' }) status_url!: string;
}
