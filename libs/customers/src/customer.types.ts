import type { FieldDef } from '#libs/common';
import { canonicalList } from '#libs/food-vocabulary';
import { ACTIVITY_LEVELS, SEXES, type Customer, type CustomerHealth } from './customers.entities.js';

export { ACTIVITY_LEVELS, SEXES };
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];
export type Sex = (typeof SEXES)[number];

/** What a vendor writes about a customer's health: any of the catalogued health fields. */
export type HealthProfileInput = { [K in HealthField]?: CustomerHealth[K] };

export interface DerivedLimits {
  daily_limits: Record<string, number>;
  exclude_tags: string[];
  require_tags: string[];
  exclude_allergens: string[];
  per_meal_fraction: number;
  conditions: string[];
}

/** A stored profile with its derivations (cached on the row). */
export type HealthProfile = Omit<CustomerHealth, 'vendor_id' | 'derived_limits'> & {
  derived_limits: DerivedLimits;
};

export type CustomerRow = Omit<Customer, 'vendor_id'>;

/** A condition, allergy, dietary-preference or goal code. */
export const CODE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,59}$/;

/** The customer entity's field catalogue (identity): what the API and a CSV accept. */
export const CUSTOMER_FIELD_CATALOGUE = {
  external_id: {
    kind: 'external_id',
    label: 'Your customer id',
    example: 'CUST-0001',
    required: true,
    synonyms: ['customer_id', 'id', 'customer_number', 'member_id', 'client_id'],
  },
  email: { kind: 'email', label: 'E-mail', maxLength: 320, synonyms: ['email_address', 'e_mail', 'mail'] },
  first_name: {
    kind: 'short_text',
    label: 'First name',
    maxLength: 200,
    synonyms: ['firstname', 'given_name', 'forename'],
  },
  last_name: {
    kind: 'short_text',
    label: 'Last name',
    maxLength: 200,
    synonyms: ['lastname', 'surname', 'family_name'],
  },
} satisfies Record<'external_id' | keyof CustomerIdentityFields, Omit<FieldDef, 'column'>>;

type CustomerIdentityFields = Pick<Customer, 'email' | 'first_name' | 'last_name'>;

/** The health profile entity's field catalogue: health data, written only through the audited paths. */
export const HEALTH_FIELD_CATALOGUE = {
  sex: {
    kind: 'enum',
    label: 'Sex',
    values: SEXES,
    aliases: { m: 'male', f: 'female' },
    synonyms: ['gender'],
  },
  birth_date: {
    kind: 'date',
    label: 'Birth date',
    example: '1984-05-17',
    synonyms: ['dob', 'date_of_birth', 'birthdate', 'birthday'],
  },
  age: {
    kind: 'int',
    label: 'Age (years)',
    description: 'When birth_date is unknown',
    example: 41,
    min: 0,
    max: 130,
    synonyms: ['age_years'],
  },
  height_cm: { kind: 'real', label: 'Height (cm)', example: 178, min: 40, max: 260, synonyms: ['height'] },
  weight_kg: {
    kind: 'real',
    label: 'Weight (kg)',
    example: 82.5,
    min: 2,
    max: 400,
    synonyms: ['weight', 'body_weight'],
  },
  activity_level: { kind: 'enum', label: 'Activity level', values: ACTIVITY_LEVELS, synonyms: ['activity'] },
  conditions: {
    kind: 'codes',
    label: 'Conditions',
    description: 'Condition codes (diet rules apply by code)',
    example: ['hypertension'],
    maxItems: 30,
    pattern: CODE_PATTERN,
    default: [],
    synonyms: ['health_conditions', 'medical_conditions'],
  },
  allergies: {
    kind: 'codes',
    label: 'Allergies',
    example: ['peanuts'],
    maxItems: 30,
    pattern: CODE_PATTERN,
    default: [],
    synonyms: ['food_allergies', 'allergens'],
    normalise: canonicalList('allergens'),
  },
  dietary_preferences: {
    kind: 'codes',
    label: 'Dietary preferences',
    description: 'Dietary tags every match must carry',
    example: ['vegetarian'],
    maxItems: 20,
    pattern: CODE_PATTERN,
    default: [],
    synonyms: ['preferences', 'diet', 'diets'],
    normalise: canonicalList('diet_tags'),
  },
  goals: {
    kind: 'codes',
    label: 'Goals',
    example: ['weight_loss'],
    maxItems: 20,
    pattern: CODE_PATTERN,
    default: [],
    synonyms: ['goal', 'health_goals'],
  },
  notes: {
    kind: 'long_text',
    label: 'Notes',
    description: 'Free text (e.g. medications); health data, audited',
    maxLength: 4000,
    synonyms: ['note', 'comments'],
  },
} satisfies Partial<Record<keyof CustomerHealth, Omit<FieldDef, 'column'>>>;

export type CustomerField = keyof typeof CUSTOMER_FIELD_CATALOGUE;
export type HealthField = keyof typeof HEALTH_FIELD_CATALOGUE;

/** One catalogue entry with its column (the key). */
export const customerField = (name: CustomerField): FieldDef => ({
  column: name,
  ...CUSTOMER_FIELD_CATALOGUE[name],
});
export const healthField = (name: HealthField): FieldDef => ({
  column: name,
  ...HEALTH_FIELD_CATALOGUE[name],
});
