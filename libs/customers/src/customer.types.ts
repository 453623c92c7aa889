export const ACTIVITY_LEVELS = ['sedentary', 'light', 'moderate', 'active', 'very_active'] as const;
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];
export const SEXES = ['male', 'female', 'other'] as const;
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
export interface HealthProfile {
  customer_id: string;
  sex: Sex | null;
  birth_date: string | null;
  age: number | null;
  height_cm: number | null;
  weight_kg: number | null;
  activity_level: ActivityLevel | null;
  conditions: string[];
  allergies: string[];
  dietary_preferences: string[];
  goals: string[];
  notes: string | null;
  bmr: number | null;
  tdee_cached: number | null;
  derived_limits: DerivedLimits;
  derived_at: Date | null;
  updated_at: Date;
}

export interface CustomerRow {
  id: string;
  external_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  created_at: Date;
  updated_at: Date;
}
