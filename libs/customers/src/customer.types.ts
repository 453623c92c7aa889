import { ACTIVITY_LEVELS, SEXES, type Customer, type CustomerHealth } from '#libs/db';

export { ACTIVITY_LEVELS, SEXES };
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];
export type Sex = (typeof SEXES)[number];

/** What a vendor writes about a customer's health. */
export interface HealthProfileInput {
  sex?: Sex | null;
  birth_date?: string | null;
  age?: number | null;
  height_cm?: number | null;
  weight_kg?: number | null;
  activity_level?: ActivityLevel | null;
  conditions?: string[];
  allergies?: string[];
  dietary_preferences?: string[];
  goals?: string[];
  notes?: string | null;
}

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
