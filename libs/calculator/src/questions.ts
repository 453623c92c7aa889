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
  type Choice,
} from './fields.js';

export interface QuestionField {
  name: string;
  label: string;
  type: 'enum' | 'multi_enum' | 'integer' | 'number' | 'email' | 'text';
  required: boolean | string;
  choices?: Choice[];
  min?: number;
  max?: number;
  max_length?: number;
  max_items?: number;
  unit?: string;
  help?: string;
}

export interface QuestionStep {
  step: number;
  title: string;
  endpoint: string;
  fields: QuestionField[];
}

const enumField = (
  name: string,
  label: string,
  c: { choices: Choice[] },
  required = false,
): QuestionField => ({
  name,
  label,
  type: 'enum',
  required,
  choices: c.choices,
});
const multi = (name: string, label: string, c: { choices: Choice[] }): QuestionField => ({
  name,
  label,
  type: 'multi_enum',
  required: false,
  choices: c.choices,
  max_items: TEXT_LIMITS.maxListItems,
});
const text = (name: string, label: string, help?: string): QuestionField => ({
  name,
  label,
  type: 'text',
  required: false,
  max_length: TEXT_LIMITS.long,
  ...(help ? { help } : {}),
});
const num = (
  name: string,
  label: string,
  bounds: { min: number; max: number },
  unit: string,
  required: boolean | string,
  integer = false,
): QuestionField => ({
  name,
  label,
  type: integer ? 'integer' : 'number',
  required,
  min: bounds.min,
  max: bounds.max,
  unit,
});

/** The calculator form: steps, fields, types, choices and bounds — the validators' own constants. */
export const QUESTIONS: QuestionStep[] = [
  {
    step: 1,
    title: 'About you',
    endpoint: '/api/v1/calculator/step/1',
    fields: [
      enumField('sex', 'Sex', SEX, true),
      num('age', 'Age', BOUNDS.age, 'years', true, true),
      num('height_cm', 'Height', BOUNDS.height_cm, 'cm', 'one of height_cm or height_ft + height_in'),
      num(
        'height_ft',
        'Height (feet)',
        BOUNDS.height_ft,
        'ft',
        'one of height_cm or height_ft + height_in',
        true,
      ),
      num('height_in', 'Height (inches)', BOUNDS.height_in, 'in', 'with height_ft'),
      num('weight_kg', 'Weight', BOUNDS.weight_kg, 'kg', 'one of weight_kg or weight_lbs'),
      num('weight_lbs', 'Weight', BOUNDS.weight_lbs, 'lb', 'one of weight_kg or weight_lbs'),
    ],
  },
  {
    step: 2,
    title: 'Activity and goal',
    endpoint: '/api/v1/calculator/step/2',
    fields: [
      enumField('lifestyle_activity', 'Daily activity', ACTIVITY, true),
      enumField('exercise_frequency', 'Exercise', EXERCISE_FREQUENCY, true),
      enumField('goal', 'Goal', GOAL, true),
      num(
        'deficit_percentage',
        'Deficit or surplus',
        BOUNDS.deficit_percentage,
        '%',
        'when goal is lose or gain',
      ),
      enumField('diet_type', 'Diet', DIET_TYPE, true),
    ],
  },
  {
    step: 3,
    title: 'Your targets',
    endpoint: '/api/v1/calculator/step/3',
    fields: [
      {
        ...num('body_fat_percent', 'Body fat', BOUNDS.body_fat_percent, '%', false),
        help: 'Optional: makes the energy estimate use your lean mass',
      },
    ],
  },
  {
    step: 4,
    title: 'Your health profile',
    endpoint: '/api/v1/calculator/step/4',
    fields: [
      { name: 'email', label: 'E-mail', type: 'email', required: true, max_length: TEXT_LIMITS.email },
      { name: 'first_name', label: 'First name', type: 'text', required: true, max_length: TEXT_LIMITS.name },
      { name: 'last_name', label: 'Last name', type: 'text', required: true, max_length: TEXT_LIMITS.name },
      text('medications', 'Medications', 'Name and dose, e.g. "Metformin 500mg twice a day"'),
      multi('conditions', 'Health conditions', CONDITIONS),
      multi('symptoms', 'Symptoms', SYMPTOMS),
      multi('allergies', 'Allergies', ALLERGIES),
      text('avoid_foods', 'Foods you avoid'),
      enumField('dairy_tolerance', 'Dairy tolerance', DAIRY_TOLERANCE),
      multi('previous_diets', 'Diets tried before', PREVIOUS_DIETS),
      text('what_worked', 'What worked for you'),
      enumField('carnivore_experience', 'Carnivore experience', CARNIVORE_EXPERIENCE),
      enumField('cooking_skill', 'Cooking skill', COOKING_SKILL),
      enumField('meal_prep_time', 'Time for meal prep', MEAL_PREP_TIME),
      enumField('budget', 'Food budget', BUDGET),
      enumField('family_situation', 'Who you cook for', FAMILY_SITUATION),
      enumField('work_travel', 'Work travel', WORK_TRAVEL),
      multi('goals', 'Goals', GOALS),
      text('biggest_challenge', 'Your biggest challenge'),
      text('additional_notes', 'Anything else'),
    ],
  },
];
