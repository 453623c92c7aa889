import { Transform } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsSafeText, IsSingleLine } from '#libs/common';
import { canonicalList } from '#libs/food-vocabulary';
import {
  ACTIVITY,
  ALLERGIES,
  BOUNDS,
  BUDGET,
  CARNIVORE_EXPERIENCE,
  CONDITIONS,
  COOKING_SKILL,
  DAIRY_TOLERANCE,
  DIET_TYPE,
  EXERCISE_FREQUENCY,
  FAMILY_SITUATION,
  GOAL,
  GOALS,
  MEAL_PREP_TIME,
  PREVIOUS_DIETS,
  SEX,
  SYMPTOMS,
  TEXT_LIMITS,
  WORK_TRAVEL,
} from './fields.js';
import type { Macros } from './macros.js';

const number = (bounds: { min: number; max: number }) => [
  IsNumber({ allowNaN: false, allowInfinity: false }),
  Min(bounds.min),
  Max(bounds.max),
];
const apply =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));
const EnumList = (values: readonly string[]): PropertyDecorator =>
  apply(IsArray(), ArrayMaxSize(TEXT_LIMITS.maxListItems), ArrayUnique(), IsIn(values, { each: true }));

export class Step1Dto {
  @ApiProperty({ enum: SEX.values })
  @IsIn(SEX.values)
  sex!: string;

  @ApiProperty({ minimum: BOUNDS.age.min, maximum: BOUNDS.age.max, example: 35 })
  @IsInt()
  @Min(BOUNDS.age.min)
  @Max(BOUNDS.age.max)
  age!: number;

  @ApiPropertyOptional({
    minimum: BOUNDS.height_cm.min,
    maximum: BOUNDS.height_cm.max,
    description: 'Either height_cm or height_ft + height_in',
  })
  @IsOptional()
  @apply(...number(BOUNDS.height_cm))
  height_cm?: number;

  @ApiPropertyOptional({ minimum: BOUNDS.height_ft.min, maximum: BOUNDS.height_ft.max, example: 5 })
  @IsOptional()
  @IsInt()
  @Min(BOUNDS.height_ft.min)
  @Max(BOUNDS.height_ft.max)
  height_ft?: number;

  @ApiPropertyOptional({ minimum: BOUNDS.height_in.min, maximum: BOUNDS.height_in.max, example: 10 })
  @IsOptional()
  @apply(...number(BOUNDS.height_in))
  height_in?: number;

  @ApiPropertyOptional({
    minimum: BOUNDS.weight_kg.min,
    maximum: BOUNDS.weight_kg.max,
    description: 'Either weight_kg or weight_lbs',
  })
  @IsOptional()
  @apply(...number(BOUNDS.weight_kg))
  weight_kg?: number;

  @ApiPropertyOptional({ minimum: BOUNDS.weight_lbs.min, maximum: BOUNDS.weight_lbs.max, example: 185 })
  @IsOptional()
  @apply(...number(BOUNDS.weight_lbs))
  weight_lbs?: number;
}

export class Step2Dto {
  @ApiProperty({ enum: ACTIVITY.values })
  @IsIn(ACTIVITY.values)
  lifestyle_activity!: string;

  @ApiProperty({ enum: EXERCISE_FREQUENCY.values })
  @IsIn(EXERCISE_FREQUENCY.values)
  exercise_frequency!: string;

  @ApiProperty({ enum: GOAL.values })
  @IsIn(GOAL.values)
  goal!: string;

  @ApiPropertyOptional({
    minimum: BOUNDS.deficit_percentage.min,
    maximum: BOUNDS.deficit_percentage.max,
    description: 'Required to lose (deficit) or gain (surplus); percent of maintenance calories',
  })
  @IsOptional()
  @apply(...number(BOUNDS.deficit_percentage))
  deficit_percentage?: number;

  @ApiProperty({ enum: DIET_TYPE.values })
  @IsIn(DIET_TYPE.values)
  diet_type!: string;
}

export class Step3Dto {
  @ApiPropertyOptional({
    minimum: BOUNDS.body_fat_percent.min,
    maximum: BOUNDS.body_fat_percent.max,
    description: 'Switches BMR to Katch-McArdle',
  })
  @IsOptional()
  @apply(...number(BOUNDS.body_fat_percent))
  body_fat_percent?: number;
}

export class Step4Dto {
  @ApiProperty({ maxLength: TEXT_LIMITS.email, example: 'michael@example.com' })
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  @MaxLength(TEXT_LIMITS.email)
  email!: string;

  @ApiProperty({ minLength: 1, maxLength: TEXT_LIMITS.name, example: 'Michael' })
  @IsSingleLine({ min: 1, max: TEXT_LIMITS.name })
  first_name!: string;

  @ApiProperty({ minLength: 1, maxLength: TEXT_LIMITS.name, example: 'Brown' })
  @IsSingleLine({ min: 1, max: TEXT_LIMITS.name })
  last_name!: string;

  @ApiPropertyOptional({
    maxLength: TEXT_LIMITS.long,
    example: 'Metformin 500mg 2x/day, Lisinopril 10mg daily',
  })
  @IsOptional()
  @IsSafeText({ max: TEXT_LIMITS.long })
  medications?: string;

  @ApiPropertyOptional({ enum: CONDITIONS.values, isArray: true })
  @IsOptional()
  @EnumList(CONDITIONS.values)
  conditions?: string[];

  @ApiPropertyOptional({ enum: SYMPTOMS.values, isArray: true })
  @IsOptional()
  @EnumList(SYMPTOMS.values)
  symptoms?: string[];

  @ApiPropertyOptional({
    enum: ALLERGIES.values,
    isArray: true,
    description: 'Allergen codes (other spellings such as dairy or soya are accepted and stored as these)',
  })
  @IsOptional()
  @Transform(({ value }) => canonicalList('allergens')(value))
  @EnumList(ALLERGIES.values)
  allergies?: string[];

  @ApiPropertyOptional({
    maxLength: TEXT_LIMITS.long,
    description: 'Foods to keep out of every list and plan',
  })
  @IsOptional()
  @IsSafeText({ max: TEXT_LIMITS.long })
  avoid_foods?: string;

  @ApiPropertyOptional({ enum: DAIRY_TOLERANCE.values })
  @IsOptional()
  @IsIn(DAIRY_TOLERANCE.values)
  dairy_tolerance?: string;

  @ApiPropertyOptional({ enum: PREVIOUS_DIETS.values, isArray: true })
  @IsOptional()
  @EnumList(PREVIOUS_DIETS.values)
  previous_diets?: string[];

  @ApiPropertyOptional({ maxLength: TEXT_LIMITS.long })
  @IsOptional()
  @IsSafeText({ max: TEXT_LIMITS.long })
  what_worked?: string;

  @ApiPropertyOptional({ enum: CARNIVORE_EXPERIENCE.values })
  @IsOptional()
  @IsIn(CARNIVORE_EXPERIENCE.values)
  carnivore_experience?: string;

  @ApiPropertyOptional({ enum: COOKING_SKILL.values })
  @IsOptional()
  @IsIn(COOKING_SKILL.values)
  cooking_skill?: string;

  @ApiPropertyOptional({ enum: MEAL_PREP_TIME.values })
  @IsOptional()
  @IsIn(MEAL_PREP_TIME.values)
  meal_prep_time?: string;

  @ApiPropertyOptional({ enum: BUDGET.values })
  @IsOptional()
  @IsIn(BUDGET.values)
  budget?: string;

  @ApiPropertyOptional({ enum: FAMILY_SITUATION.values })
  @IsOptional()
  @IsIn(FAMILY_SITUATION.values)
  family_situation?: string;

  @ApiPropertyOptional({ enum: WORK_TRAVEL.values })
  @IsOptional()
  @IsIn(WORK_TRAVEL.values)
  work_travel?: string;

  @ApiPropertyOptional({ enum: GOALS.values, isArray: true })
  @IsOptional()
  @EnumList(GOALS.values)
  goals?: string[];

  @ApiPropertyOptional({ maxLength: TEXT_LIMITS.long, example: 'I fell off keto after 14 months' })
  @IsOptional()
  @IsSafeText({ max: TEXT_LIMITS.long })
  biggest_challenge?: string;

  @ApiPropertyOptional({ maxLength: TEXT_LIMITS.long })
  @IsOptional()
  @IsSafeText({ max: TEXT_LIMITS.long })
  additional_notes?: string;
}

/** PATCH save-progress: any subset of any step's answers, each validated by its own rule. */
export class SaveProgressDto extends PartialType(
  IntersectionType(IntersectionType(Step1Dto, Step2Dto), IntersectionType(Step3Dto, Step4Dto)),
) {}

export class ResumeDto {
  @ApiProperty({ example: 'michael@example.com' })
  @IsEmail()
  @MaxLength(TEXT_LIMITS.email)
  email!: string;
}

export class SessionIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class Warning {
  @ApiProperty({ example: 'age' }) field!: string;
  @ApiProperty({ example: 'deficit_aggressive' }) code!: string;
  @ApiProperty() message!: string;
}

export class MacrosView {
  @ApiProperty() bmr!: number;
  @ApiProperty() tdee!: number;
  @ApiProperty() calories!: number;
  @ApiProperty() protein_grams!: number;
  @ApiProperty() fat_grams!: number;
  @ApiProperty() carbs_grams!: number;
  @ApiProperty({ enum: ['mifflin_st_jeor', 'katch_mcardle'] })
  calculation_method!: Macros['calculation_method'];
}

export class CreatedSessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Send as X-Session-Token on every later call. Shown once.' })
  session_token!: string;
  @ApiProperty({ example: 0 }) step_completed!: number;
}

export class SessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['in_progress', 'paid'] }) status!: string;
  @ApiProperty() step_completed!: number;
  @ApiProperty() completion_percent!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Answers saved so far (drafts and submitted steps)',
  })
  answers!: Record<string, unknown>;
  @ApiProperty({ type: MacrosView, nullable: true }) macros!: MacrosView | null;
  @ApiProperty() is_premium!: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'doctor', description: 'The tier paid for' }) tier!:
    string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class ProgressView {
  @ApiProperty() completion_percent!: number;
  @ApiProperty() step_completed!: number;
}

export class StepResultView {
  @ApiProperty() step_completed!: number;
  @ApiProperty() completion_percent!: number;
  @ApiProperty({ type: [Warning] }) warnings!: Warning[];
}

export class Step3ResultView extends StepResultView {
  @ApiProperty() bmr!: number;
  @ApiProperty() tdee!: number;
  @ApiProperty() calories!: number;
  @ApiProperty() protein_grams!: number;
  @ApiProperty() fat_grams!: number;
  @ApiProperty() carbs_grams!: number;
  @ApiProperty({ enum: ['mifflin_st_jeor', 'katch_mcardle'] }) calculation_method!: string;
}

export class TierView {
  @ApiProperty({ example: 'doctor' }) code!: string;
  @ApiProperty({ example: 'Doctor' }) name!: string;
  @ApiProperty({ example: 1500 }) price_cents!: number;
  @ApiProperty({ example: 'usd' }) currency!: string;
  @ApiProperty({ type: [Number] }) sections!: number[];
  @ApiProperty() report_expiry_days!: number;
  @ApiProperty() revisions!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) features!: Record<string, unknown>;
}

export class TiersView {
  @ApiProperty({ type: [TierView] }) tiers!: TierView[];
}

export class ChoiceView {
  @ApiProperty({ example: 'female' }) value!: string;
  @ApiProperty({ example: 'Female' }) label!: string;
}

export class QuestionFieldView {
  @ApiProperty({ example: 'sex' }) name!: string;
  @ApiProperty({ example: 'Sex' }) label!: string;
  @ApiProperty({ enum: ['enum', 'multi_enum', 'integer', 'number', 'email', 'text'] }) type!: string;
  @ApiProperty({
    oneOf: [{ type: 'boolean' }, { type: 'string' }],
    description: 'true, false, or the condition under which it is required',
  })
  required!: boolean | string;
  @ApiPropertyOptional({ type: [ChoiceView] }) choices?: ChoiceView[];
  @ApiPropertyOptional() min?: number;
  @ApiPropertyOptional() max?: number;
  @ApiPropertyOptional({ type: 'integer' }) max_length?: number;
  @ApiPropertyOptional({ type: 'integer' }) max_items?: number;
  @ApiPropertyOptional({ example: 'cm' }) unit?: string;
  @ApiPropertyOptional() help?: string;
}

export class QuestionStepView {
  @ApiProperty({ example: 1 }) step!: number;
  @ApiProperty({ example: 'About you' }) title!: string;
  @ApiProperty({ example: '/api/v1/calculator/step/1' }) endpoint!: string;
  @ApiProperty({ type: [QuestionFieldView] }) fields!: QuestionFieldView[];
}

export class QuestionsView {
  @ApiProperty({ type: [QuestionStepView] }) steps!: QuestionStepView[];
}

export class AcceptedView {
  @ApiProperty({ enum: ['accepted'] }) status!: 'accepted';
}
