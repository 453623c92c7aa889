import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsDate,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsSafeText, IsSingleLine } from '#libs/common';
import { BEST_FOR_DIETS } from './vendors.entities.js';
import { VENDOR_ROLES, type VendorRole } from './auth/principal.js';

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CATEGORY = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision (`US`, `US-CA`, `GB-SCT`). */
const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export class CreateVendorDto {
  @ApiProperty({ example: 'green-grocer', description: 'Lower-case letters, digits and dashes; unique' })
  @IsString()
  @Matches(SLUG, { message: 'slug must be lower-case letters, digits and inner dashes (1–63)' })
  slug!: string;

  @ApiProperty({ example: 'Green Grocer' })
  @IsSingleLine({ min: 1, max: 200 })
  name!: string;

  @ApiProperty({ example: 'grocery' })
  @IsString()
  @Matches(CATEGORY, { message: 'category must be lower-case letters, digits, - or _' })
  category!: string;

  @ApiPropertyOptional({ example: 'organic' })
  @IsOptional()
  @IsSingleLine({ max: 100 })
  subcategory?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsSafeText({ max: 2000 })
  description?: string;

  @ApiPropertyOptional({ example: 'https://green-grocer.example' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(500)
  website?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  @MaxLength(500)
  logo_url?: string;

  @ApiPropertyOptional({
    description: 'Operational contact (e.g. told when a webhook endpoint is disabled); not public',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  contact_email?: string;
}

export class UpdateVendorDto {
  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    example: ['US', 'CA-ON'],
    description: 'Where the vendor delivers: ISO 3166-1 alpha-2 codes, optionally with a subdivision',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(REGION, { each: true, message: 'each region must be an ISO 3166 code such as US or US-CA' })
  delivery_regions?: string[];

  @ApiPropertyOptional({
    enum: BEST_FOR_DIETS,
    isArray: true,
    description: "Which of the nutrition calculator's diet types the range suits",
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(BEST_FOR_DIETS, { each: true })
  best_for?: (typeof BEST_FOR_DIETS)[number][];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 4, description: '1 budget … 4 premium' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  price_level?: number;

  @ApiPropertyOptional() @IsOptional() @IsSingleLine({ min: 1, max: 200 }) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(CATEGORY) category?: string;
  @ApiPropertyOptional() @IsOptional() @IsSingleLine({ max: 100 }) subcategory?: string;
  @ApiPropertyOptional() @IsOptional() @IsSafeText({ max: 2000 }) description?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(500)
  website?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  @MaxLength(500)
  logo_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(320) contact_email?: string;
}

/** What a vendor's own admin may change about its public directory entry. */
export class UpdateDirectoryProfileDto extends PickType(UpdateVendorDto, [
  'description',
  'website',
  'logo_url',
  'delivery_regions',
  'best_for',
  'price_level',
] as const) {}

export class VendorIdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

export class SlugParam {
  @ApiProperty({ pattern: SLUG.source, example: 'kalomi-foods' }) @IsString() @Matches(SLUG) slug!: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'catalogue sync' })
  @IsSingleLine({ min: 1, max: 100 })
  name!: string;

  @ApiProperty({ enum: VENDOR_ROLES })
  @IsIn(VENDOR_ROLES)
  role!: VendorRole;
}

export class UpdateApiKeyDto {
  @ApiPropertyOptional() @IsOptional() @IsSingleLine({ min: 1, max: 100 }) name?: string;
  @ApiPropertyOptional({ enum: VENDOR_ROLES }) @IsOptional() @IsIn(VENDOR_ROLES) role?: VendorRole;
}

export class DirectoryQueryDto {
  @ApiPropertyOptional({ example: 'grocery' })
  @IsOptional()
  @IsString()
  @Matches(CATEGORY)
  category?: string;

  @ApiPropertyOptional({ description: 'Part of the name or slug' })
  @IsOptional()
  @IsSingleLine({ min: 1, max: 100 })
  q?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'api_key' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_.]{1,60}$/)
  entity?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) entity_id?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

// ---- views ----

export class PublicVendorView {
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ nullable: true, type: String }) subcategory!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ nullable: true, type: String }) website!: string | null;
  @ApiProperty({ nullable: true, type: String }) logo_url!: string | null;
  @ApiProperty({ type: [String], example: ['US', 'CA-ON'] }) delivery_regions!: string[];
  @ApiProperty({ enum: BEST_FOR_DIETS, isArray: true }) best_for!: string[];
  @ApiProperty({ nullable: true, type: 'integer', minimum: 1, maximum: 4 }) price_level!: number | null;
}

export class VendorPageView {
  @ApiProperty({ type: [PublicVendorView] }) data!: PublicVendorView[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class CategoryView {
  @ApiProperty() category!: string;
  @ApiProperty() vendor_count!: number;
}

export class VendorView extends PublicVendorView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) contact_email!: string | null;
  @ApiProperty({ enum: ['active', 'suspended', 'deleted'] }) status!: string;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: VENDOR_ROLES }) role!: string;
  @ApiProperty({ example: 'vk_AbC1234', description: 'The first characters, to recognise the key' })
  key_prefix!: string;
  @ApiProperty() created_by!: string;
  @ApiProperty() created_at!: Date;
  @ApiProperty({ nullable: true, type: Date }) last_used_at!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) revoked_at!: Date | null;
}

export class IssuedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The secret key, shown only in this response', example: 'vk_…' }) key!: string;
}

export class CreatedVendorView {
  @ApiProperty({ type: VendorView }) vendor!: VendorView;
  @ApiProperty({ type: IssuedApiKeyView }) api_key!: IssuedApiKeyView;
}

export class AuditEntryView {
  @ApiProperty() id!: string;
  @ApiProperty() occurred_at!: Date;
  @ApiProperty() actor_id!: string;
  @ApiProperty() actor_role!: string;
  @ApiProperty() action!: string;
  @ApiProperty() entity!: string;
  @ApiProperty({ nullable: true, type: String }) entity_id!: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'The entity before (changed fields only; for health data, field names and digests)',
  })
  before!: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'The entity after',
  })
  after!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) user_agent!: string | null;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) data!: AuditEntryView[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}
