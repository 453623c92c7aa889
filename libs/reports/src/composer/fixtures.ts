import { computeMacros, feetInchesToCm, poundsToKg } from '#libs/calculator';
import type { ReportInput, ReportProfile } from './report-input.js';

/** Seed 001's example person (Michael), doctor tier. */
export const MICHAEL_PROFILE: ReportProfile = {
  sex: 'male',
  age: 35,
  height_cm: feetInchesToCm(5, 10),
  weight_kg: poundsToKg(185),
  units: 'imperial',
  lifestyle_activity: 'light',
  exercise_frequency: '3_4_per_week',
  goal: 'lose',
  deficit_percentage: 20,
  diet_type: 'carnivore',
  email: 'michael@example.com',
  first_name: 'Michael',
  last_name: 'Brown',
  medications: 'Metformin 500mg 2x/day, Lisinopril 10mg daily',
  conditions: ['diabetes', 'hypertension'],
  symptoms: ['brain_fog', 'joint_pain'],
  allergies: ['shellfish'],
  previous_diets: ['keto'],
  what_worked: 'Keto for 14 months',
  biggest_challenge: 'I fell off keto after 14 months',
  goals: ['weight_loss', 'energy', 'mental_clarity'],
  budget: 'moderate',
  family_situation: 'solo',
  work_travel: 'occasional',
  dairy_tolerance: 'butter_only',
};

export const DOCTOR_SECTIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18, 19, 20, 21];

export function reportInput(
  profile: Partial<ReportProfile> = {},
  sections = DOCTOR_SECTIONS,
  tier = 'doctor',
): ReportInput {
  const p = { ...MICHAEL_PROFILE, ...profile };
  return {
    profile: p,
    macros: computeMacros({
      sex: p.sex,
      age: p.age,
      heightCm: p.height_cm,
      weightKg: p.weight_kg,
      activity: p.lifestyle_activity as 'light',
      goal: p.goal,
      adjustmentPercent: p.deficit_percentage ?? undefined,
      diet: p.diet_type,
      bodyFatPercent: p.body_fat_percent ?? undefined,
    }),
    tier: { code: tier, name: tier === 'doctor' ? 'Doctor' : tier, sections },
  };
}
