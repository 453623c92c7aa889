import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EXTERNAL_ID_PATTERN, IsSafeText, catalogueField } from '#libs/common';
import { nutrientProperties, type Nutrients } from './nutrients.js';
import { NutrientsView } from './nutrients.view.js';
import { TAG_PATTERN as TAG, productField, type ProductField } from './product.types.js';
import { UNIT_ALTERNATIVES, type UnitAlternative } from './product-units.js';
import { canonicalList } from '#libs/food-vocabulary';

const field = (name: ProductField | 'external_id') => catalogueField(productField(name));

/** Another unit for a stored nutrient: written in it, stored converted (see product-units.ts). */
const unit = (name: UnitAlternative) => {
  const alt = UNIT_ALTERNATIVES[name];
  return catalogueField({
    column: name,
    kind: 'real',
    label: alt.label,
    description: `Another unit for ${alt.column}: stored as ${alt.column} (× ${Number(alt.scale.toPrecision(6))}); ignored when ${alt.column} is given`,
    min: 0,
    max: alt.max,
    decimals: 6,
  });
};

/** The nutrients as written fields (nutrients.ts). */
const NutrientFields = nutrientProperties<Partial<Nutrients>>('NutrientFields', (n) => field(n));

/** Every product field but the external id (PUT replaces them all; PATCH sends some), from the catalogue. */
export class ProductFieldsDto extends NutrientFields {
  @field('name') name!: string;
  @field('brand') brand?: string | null;
  @field('description') description?: string | null;
  @field('category') category?: string | null;
  @field('price_cents') price_cents?: number | null;
  @field('currency') currency?: string;
  @field('serving_size_g') serving_size_g?: number | null;
  @field('nutrient_basis') nutrient_basis?: 'per_serving' | 'per_100g';
  @unit('energy_kj') energy_kj?: number | null;
  @unit('salt_g') salt_g?: number | null;
  @unit('sodium_g') sodium_g?: number | null;
  @unit('potassium_g') potassium_g?: number | null;
  @field('dietary_tags') dietary_tags?: string[];
  @field('allergens') allergens?: string[];
  @field('ingredients') ingredients?: string | null;
  @field('gtin') gtin?: string | null;
  @field('in_stock') in_stock?: boolean;
}

export class CreateProductDto extends ProductFieldsDto {
  @field('external_id') external_id!: string;
}

export class ReplaceProductDto extends ProductFieldsDto {
  @ApiPropertyOptional({ description: 'When sent, must be the external id this product was created with' })
  @IsOptional()
  @IsString()
  @Matches(EXTERNAL_ID_PATTERN)
  external_id?: string;
}

/** PATCH: any subset of the fields, each validated as for PUT. */
export class PatchProductDto extends PartialType(ProductFieldsDto) {}

export class ProductIdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

export class CompareDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 2, maxItems: 10 })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids!: string[];
}

const csvList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

export class SearchQueryDto {
  @ApiPropertyOptional({
    example: 'dark choc',
    description: 'Words; the last may be a prefix. Empty: browse by filters',
  })
  @IsOptional()
  @IsSafeText({ max: 200 })
  q?: string;

  @ApiPropertyOptional({ example: 'bars' }) @IsOptional() @IsString() @Matches(TAG) category?: string;

  @ApiPropertyOptional({
    example: 'vegan,gluten_free',
    description:
      'Comma-separated diet tags (any spelling in the vocabulary, GET /vocabularies/diet-tags); every tag must be present — a vegan product has vegetarian too',
  })
  @IsOptional()
  @Transform((p) => canonicalList('diet_tags')(csvList(p)))
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(TAG, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    example: 'peanuts,milk',
    description:
      'Comma-separated allergens (any spelling in the vocabulary, GET /vocabularies/allergens); products declaring any of them, any member of their group or a group they belong to are left out (shellfish leaves out crustaceans and molluscs; almond leaves out "tree nuts")',
  })
  @IsOptional()
  @Transform((p) => canonicalList('allergens')(csvList(p)))
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG, { each: true })
  exclude_allergens?: string[];

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  in_stock?: boolean;

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

// ---- views ----

/** A product: its nutrients (from NutrientsView) and every other column. */
export class ProductView extends NutrientsView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) brand!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: Number }) price_cents!: number | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: Number }) serving_size_g!: number | null;
  @ApiProperty({
    enum: ['per_serving', 'per_100g'],
    description: 'What the nutrients were given per (they are shown per serving)',
  })
  nutrient_basis!: string;
  @ApiProperty({
    type: [String],
    description: 'Canonical diet-tag codes (GET /vocabularies/diet-tags), implied tags included',
  })
  dietary_tags!: string[];
  @ApiProperty({
    type: [String],
    description: 'Canonical allergen codes (GET /vocabularies/allergens); unknown codes as written',
  })
  allergens!: string[];
  @ApiProperty({ nullable: true, type: String }) ingredients!: string | null;
  @ApiProperty({ nullable: true, type: String }) gtin!: string | null;
  @ApiProperty() in_stock!: boolean;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
}

export class CodeWarningView {
  @ApiProperty({ enum: ['allergens', 'dietary_tags'] }) field!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ enum: ['unknown_allergen', 'unknown_diet_tag', 'contradicted_tag'] }) reason!: string;
  @ApiProperty() message!: string;
}

/** A product as a write returns it: what was stored, and what its codes needed the writer to know. */
export class WrittenProductView extends ProductView {
  @ApiProperty({
    type: [CodeWarningView],
    description:
      'Unknown codes (kept as written) and diet tags dropped because the allergens contradict them',
  })
  warnings!: CodeWarningView[];
}

export class UpsertedProductView extends WrittenProductView {
  @ApiProperty({ description: 'false when the external id already existed and was updated in place' })
  created!: boolean;
}

export class ComparedProductView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) brand!: string | null;
  @ApiProperty({ nullable: true, type: Number }) serving_size_g!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) price_cents!: number | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: NutrientsView, description: 'Per serving' }) per_serving!: NutrientsView;
  @ApiProperty({ type: NutrientsView, nullable: true, description: 'null when the serving size is unknown' })
  per_100g!: NutrientsView | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Price in cents of the amount holding 10 g of protein; null without price or protein',
  })
  price_per_10g_protein_cents!: number | null;
}

export class CompareView {
  @ApiProperty({ type: [ComparedProductView] }) products!: ComparedProductView[];
}

export class SearchHitView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) brand!: string | null;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: Number }) price_cents!: number | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [String] }) dietary_tags!: string[];
  @ApiProperty({ type: [String] }) allergens!: string[];
  @ApiProperty() in_stock!: boolean;
  @ApiProperty({ enum: ['title', 'text', 'filter'], description: 'Where the words matched' })
  matched_in!: string;
  @ApiProperty() rank!: number;
  @ApiProperty({ type: NutrientsView, description: 'Per serving' }) nutrients!: NutrientsView;
}

export class SearchView {
  @ApiProperty({ type: [SearchHitView] }) data!: SearchHitView[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
  @ApiProperty({
    enum: ['all', 'any', 'none'],
    description: 'all words matched, or any (fallback when all found nothing)',
  })
  match!: string;
  @ApiProperty({ enum: ['fresh', 'stale'] }) freshness!: 'fresh' | 'stale';
  @ApiProperty({ description: 'How far behind the replica that answered was (0 on the primary)' })
  replica_lag_ms!: number;
  @ApiProperty({ enum: ['primary', 'replica'] }) source!: string;
}
