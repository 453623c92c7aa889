import { canonicalList } from '#libs/food-vocabulary';
import { Transform } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import { ALLERGIES, DIET_TYPE } from '#libs/calculator';
import { TAG_PATTERN } from '#libs/catalogue';
import { BENCHMARK_METRICS } from './insights.entities.js';
import { PublicVendorView } from '#libs/vendors';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Every replica-served response: how fresh the read was. */
class FreshnessFields {
  @ApiProperty({
    enum: ['fresh', 'stale'],
    description: 'stale: the replica was more than REPLICA_STALE_AFTER_MS behind',
  })
  freshness!: 'fresh' | 'stale';
  @ApiProperty({ description: 'How far behind the replica that answered was (0 on the primary)' })
  replica_lag_ms!: number;
  @ApiProperty({ enum: ['primary', 'replica'] }) source!: 'primary' | 'replica';
}

export class CompareVendorsDto {
  @ApiProperty({ type: [String], minItems: 2, maxItems: 5, example: ['green-grocer', 'kalomi-foods'] })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SLUG, { each: true, message: 'each slug must be lower-case letters, digits and inner dashes' })
  slugs!: string[];

  @ApiPropertyOptional({
    enum: DIET_TYPE.values,
    description: "Count each vendor's products tagged with this diet (custom: every product)",
  })
  @IsOptional()
  @IsIn(DIET_TYPE.values)
  diet_type?: string;

  @ApiPropertyOptional({
    enum: ALLERGIES.values,
    isArray: true,
    description:
      "Count each vendor's products free of all of these (other spellings such as dairy or soya are accepted); an allergen's group members count (shellfish: crab, oysters, …)",
  })
  @IsOptional()
  @Transform(({ value }) => canonicalList('allergens')(value))
  @IsArray()
  @ArrayUnique()
  @IsIn(ALLERGIES.values, { each: true })
  allergens?: string[];
}

export class CategoryParam {
  @ApiProperty({ pattern: TAG_PATTERN.source, example: 'snacks' })
  @IsString()
  @Matches(TAG_PATTERN, { message: 'category must be lower-case letters, digits, - or _ (1–40)' })
  category!: string;
}

export class CategoryMetricParam extends CategoryParam {
  @ApiProperty({ enum: BENCHMARK_METRICS })
  @IsIn(BENCHMARK_METRICS)
  metric!: (typeof BENCHMARK_METRICS)[number];
}

export class BenchmarkQueryDto {
  @ApiPropertyOptional({ default: 'USD', example: 'EUR', description: 'ISO 4217 code for the price metrics' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code (three capitals)' })
  currency?: string;
}

export class SlugPathParam {
  @ApiProperty({ pattern: SLUG.source, example: 'kalomi-foods' })
  @IsString()
  @Matches(SLUG)
  slug!: string;
}

// ---- views ----

export class CategoryCountView {
  @ApiProperty() category!: string;
  @ApiProperty() products!: number;
}

export class TagShareView {
  @ApiProperty() tag!: string;
  @ApiProperty({ description: 'Share of the catalogue carrying the tag, 0–1' }) share!: number;
}

export class AllergenFreeView {
  @ApiProperty({ enum: ALLERGIES.values }) allergen!: string;
  @ApiProperty({ description: 'Share of the catalogue free of the allergen, 0–1' }) share!: number;
}

export class ProteinPriceView {
  @ApiProperty() category!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ description: 'Median price in cents of the amount holding 10 g of protein' })
  median_price_per_10g_protein_cents!: number;
  @ApiProperty({ description: 'Products with a price and protein behind the median' }) products!: number;
}

export class CatalogueFiguresView {
  @ApiProperty() product_count!: number;
  @ApiProperty({ type: [CategoryCountView] }) categories!: CategoryCountView[];
  @ApiProperty({ type: [TagShareView], description: 'The 50 most common dietary tags' })
  dietary_tag_share!: TagShareView[];
  @ApiProperty({ type: [AllergenFreeView], description: 'One entry per common allergen' })
  allergen_free_share!: AllergenFreeView[];
  @ApiProperty({ type: [ProteinPriceView] }) protein_price!: ProteinPriceView[];
  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'Catalogue freshness: the last completed ingest or product change',
  })
  catalogue_updated_at!: Date | null;
  @ApiProperty({
    description: 'When these figures were derived (after each ingest, product change, and hourly)',
  })
  computed_at!: Date;
}

export class DietFitView {
  @ApiProperty({ enum: DIET_TYPE.values, nullable: true, type: String }) diet_type!: string | null;
  @ApiProperty({ enum: ALLERGIES.values, isArray: true }) allergens!: string[];
  @ApiProperty({ description: 'Products with the diet tag and none of the allergens' }) products!: number;
}

export class ComparedVendorView extends PublicVendorView {
  @ApiProperty({ type: CatalogueFiguresView, nullable: true, description: 'null until first derived' })
  catalogue!: CatalogueFiguresView | null;
  @ApiProperty({
    type: DietFitView,
    nullable: true,
    description: 'When diet_type or allergens were given and the figures are derived',
  })
  fit!: DietFitView | null;
}

export class CompareVendorsView extends FreshnessFields {
  @ApiProperty({ type: [ComparedVendorView], description: 'In the order of the slugs asked for' })
  data!: ComparedVendorView[];
}

export class VendorCatalogueView extends FreshnessFields {
  @ApiProperty() slug!: string;
  @ApiProperty({ type: CatalogueFiguresView, nullable: true, description: 'null until first derived' })
  catalogue!: CatalogueFiguresView | null;
}

export class BenchmarkFigureView {
  @ApiProperty({ enum: BENCHMARK_METRICS }) metric!: string;
  @ApiProperty({ example: 'cents per 100 g' }) unit!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The currency of a price metric; null otherwise',
  })
  currency!: string | null;
  @ApiProperty({ description: 'Active vendors with products behind the figure' }) vendors!: number;
  @ApiProperty({ description: 'Products behind the figure' }) products!: number;
  @ApiProperty({ description: 'true when fewer than 3 vendors contribute: the figures are withheld' })
  suppressed!: boolean;
  @ApiProperty({ nullable: true, type: Number }) p25!: number | null;
  @ApiProperty({ nullable: true, type: Number }) median!: number | null;
  @ApiProperty({ nullable: true, type: Number }) p75!: number | null;
}

export class BenchmarksView extends FreshnessFields {
  @ApiProperty() category!: string;
  @ApiProperty({ type: [BenchmarkFigureView] }) metrics!: BenchmarkFigureView[];
  @ApiProperty({ nullable: true, type: Date, description: 'When the figures were computed' })
  computed_at!: Date | null;
}

export class MissingFieldView {
  @ApiProperty() field!: string;
  @ApiProperty() products!: number;
  @ApiProperty({ description: '0–1' }) share!: number;
}

export class DataQualityView {
  @ApiProperty({
    type: [MissingFieldView],
    description: 'Products missing each nutrient matches can limit, the serving size and the price',
  })
  missing!: MissingFieldView[];
}

export class TagProductsView {
  @ApiProperty() tag!: string;
  @ApiProperty() products!: number;
  @ApiProperty({ description: '0–1' }) share!: number;
}

export class TagCoverageView {
  @ApiProperty({ description: 'Share of products with at least one dietary tag' })
  with_any_tag_share!: number;
  @ApiProperty({ description: 'Share of products declaring at least one allergen' })
  with_allergens_declared_share!: number;
  @ApiProperty({ type: [TagProductsView] }) tags!: TagProductsView[];
}

export class ConditionCoverageView {
  @ApiProperty({ nullable: true, type: String, description: 'null: customers with no condition' })
  condition!: string | null;
  @ApiProperty() customers!: number;
  @ApiProperty() covered!: number;
  @ApiProperty({ description: 'covered / customers, 0–1' }) share!: number;
}

export class MatchCoverageView {
  @ApiProperty({ description: 'Safe products a customer needs to count as covered' }) threshold!: number;
  @ApiProperty({ description: 'Customers with a health profile' }) customers!: number;
  @ApiProperty() covered!: number;
  @ApiProperty({ description: 'covered / customers, 0–1' }) share!: number;
  @ApiProperty({ type: [ConditionCoverageView] }) by_condition!: ConditionCoverageView[];
}

export class CatalogueAnalyticsView extends FreshnessFields {
  @ApiProperty() products!: number;
  @ApiProperty() customers!: number;
  @ApiProperty({ type: DataQualityView }) data_quality!: DataQualityView;
  @ApiProperty({ type: TagCoverageView }) tag_coverage!: TagCoverageView;
  @ApiProperty({ type: MatchCoverageView }) match_coverage!: MatchCoverageView;
  @ApiProperty() computed_at!: Date;
}
