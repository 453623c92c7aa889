import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { NutrientsView } from '#libs/catalogue';
import { EXTERNAL_ID_PATTERN, IsSingleLine, catalogueField } from '#libs/common';
import { canonicalList } from '#libs/food-vocabulary';
import {
  CODE_PATTERN as CODE,
  customerField,
  healthField,
  type ActivityLevel,
  type CustomerField,
  type HealthField,
  type Sex,
} from './customer.types.js';

const health = (name: HealthField) => catalogueField(healthField(name));
const identity = (name: CustomerField) => catalogueField(customerField(name));

/** A health profile, from the catalogue (HEALTH_FIELD_CATALOGUE). */
export class HealthProfileDto {
  @health('sex') sex?: Sex | null;
  @health('birth_date') birth_date?: string | null;
  @health('age') age?: number | null;
  @health('height_cm') height_cm?: number | null;
  @health('weight_kg') weight_kg?: number | null;
  @health('activity_level') activity_level?: ActivityLevel | null;
  @health('conditions') conditions?: string[];
  @health('allergies') allergies?: string[];
  @health('dietary_preferences') dietary_preferences?: string[];
  @health('goals') goals?: string[];
  @health('notes') notes?: string | null;
}

export class CustomerIdentityDto {
  @identity('email') email?: string | null;
  @identity('first_name') first_name?: string | null;
  @identity('last_name') last_name?: string | null;
}

export class CreateCustomerDto extends CustomerIdentityDto {
  @identity('external_id') external_id!: string;
  @ApiPropertyOptional({ type: HealthProfileDto, description: 'Written through the audited health path' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HealthProfileDto)
  health_profile?: HealthProfileDto;
}

export class ReplaceCustomerDto extends CustomerIdentityDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(EXTERNAL_ID_PATTERN) external_id?: string;
}

export class CustomerIdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

export class ConditionParam {
  @ApiProperty({ pattern: '^[a-z0-9_]{1,60}$', example: 'hypertension' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,60}$/)
  condition_code!: string;
}

const DAILY_LIMITS = {
  type: 'object',
  additionalProperties: { type: 'number' },
  example: { sodium_mg: 1500 },
  description: 'Daily limits by nutrient field name (calories, sodium_mg, …)',
} as const;

export class DietRulePolicyDto {
  @ApiProperty(DAILY_LIMITS)
  @IsObject()
  daily_limits!: Record<string, number>;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(({ value }) => canonicalList('diet_tags')(value))
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CODE, { each: true })
  exclude_tags?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(({ value }) => canonicalList('diet_tags')(value))
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CODE, { each: true })
  require_tags?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(({ value }) => canonicalList('allergens')(value))
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(CODE, { each: true })
  exclude_allergens?: string[];
  @ApiPropertyOptional({
    example: 0.3333,
    description: 'Share of a daily limit one serving may use (default a third)',
  })
  @IsOptional()
  @IsNumber()
  @Min(0.05)
  @Max(1)
  per_meal_fraction?: number;
}

export class PutDietRuleDto {
  @ApiProperty({ type: DietRulePolicyDto })
  @IsObject()
  @ValidateNested()
  @Type(() => DietRulePolicyDto)
  policy!: DietRulePolicyDto;
  @ApiPropertyOptional({ description: 'Where the numbers come from' })
  @IsOptional()
  @IsSingleLine({ max: 1000 })
  source?: string;
}

// ---- views ----

export class CustomerView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) first_name!: string | null;
  @ApiProperty({ nullable: true, type: String }) last_name!: string | null;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
}

export class UpsertedCustomerView extends CustomerView {
  @ApiProperty() created!: boolean;
}

export class DerivedLimitsView {
  @ApiProperty({ ...DAILY_LIMITS, description: 'The most restrictive daily limit per nutrient' })
  daily_limits!: Record<string, number>;
  @ApiProperty({ type: [String] }) exclude_tags!: string[];
  @ApiProperty({ type: [String] }) require_tags!: string[];
  @ApiProperty({ type: [String] }) exclude_allergens!: string[];
  @ApiProperty({ example: 0.3333, description: 'Share of a daily limit one serving may use' })
  per_meal_fraction!: number;
  @ApiProperty({ type: [String], description: 'The conditions with a diet rule' }) conditions!: string[];
}

/** A matched product: its identity, tags, price and its nutrients per serving. */
export class MatchProductView extends NutrientsView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) brand!: string | null;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) price_cents!: number | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [String] }) dietary_tags!: string[];
  @ApiProperty({ type: [String] }) allergens!: string[];
  @ApiProperty({ type: Number, nullable: true }) serving_size_g!: number | null;
}

export class HealthProfileView extends HealthProfileDto {
  @ApiProperty({ format: 'uuid' }) customer_id!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Mifflin-St Jeor, kcal/day' }) bmr!:
    number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'BMR × activity factor, kcal/day' })
  tdee_cached!: number | null;
  @ApiProperty({
    type: () => DerivedLimitsView,
    description: 'What the diet rules of its conditions add up to',
  })
  derived_limits!: DerivedLimitsView;
  @ApiProperty({ nullable: true, type: Date }) derived_at!: Date | null;
  @ApiProperty() updated_at!: Date;
}

export class DietRuleView {
  @ApiProperty() condition_code!: string;
  @ApiProperty({ type: DietRulePolicyDto }) policy!: unknown;
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
  @ApiProperty({ description: 'Still the seeded default' }) is_default!: boolean;
  @ApiProperty() updated_at!: Date;
}

export class MatchesQueryDto {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ example: 'snacks' }) @IsOptional() @IsString() @Matches(CODE) category?: string;

  @ApiPropertyOptional({ description: 'next_cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class MatchItemView {
  @ApiProperty({ type: () => MatchProductView }) product!: MatchProductView;
  @ApiProperty({
    description:
      'Fit 0–100: goal 50 %, headroom under the tightest per-meal limit 30 %, protein density 20 %',
  })
  score!: number;
  @ApiProperty({
    type: [String],
    example: [
      'contains none of: peanuts — your allergies: peanuts',
      'sodium 120 mg within the 500 mg per-meal limit',
    ],
  })
  reasons!: string[];
}

export class MatchesView {
  @ApiProperty({ type: [MatchItemView] }) data!: MatchItemView[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
  @ApiProperty({
    enum: ['protein_density', 'satiety', 'low_sugar', 'heart'],
    description: "The walk order chosen from the customer's goals and conditions",
  })
  ordering!: string;
  @ApiProperty({ description: 'Safe products ranked (at most MATCH_CANDIDATES)' }) candidates!: number;
}
