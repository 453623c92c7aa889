import type { Macros } from '#libs/calculator';

/** Everything a report is made from: the validated profile, the computed macros, the tier. */
export interface ReportProfile {
  sex: 'male' | 'female';
  age: number;
  height_cm: number;
  weight_kg: number;
  units?: 'metric' | 'imperial';
  lifestyle_activity: string;
  exercise_frequency: string;
  goal: 'lose' | 'maintain' | 'gain';
  deficit_percentage: number | null;
  diet_type: 'carnivore' | 'keto' | 'paleo' | 'custom';
  body_fat_percent?: number | null;
  email: string;
  first_name: string;
  last_name: string;
  medications?: string;
  conditions?: string[];
  symptoms?: string[];
  allergies?: string[];
  avoid_foods?: string;
  dairy_tolerance?: 'full' | 'butter_only' | 'none';
  previous_diets?: string[];
  what_worked?: string;
  carnivore_experience?: 'new' | 'under_6_months' | 'over_6_months';
  cooking_skill?: 'beginner' | 'intermediate' | 'advanced';
  meal_prep_time?: string;
  budget?: 'budget' | 'moderate' | 'premium';
  family_situation?: 'solo' | 'couple' | 'family_with_kids' | 'family_adults';
  work_travel?: 'none' | 'occasional' | 'frequent';
  goals?: string[];
  biggest_challenge?: string;
  additional_notes?: string;
}

export interface ReportInput {
  profile: ReportProfile;
  macros: Macros;
  tier: { code: string; name: string; sections: number[] };
}
