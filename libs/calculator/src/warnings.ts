import type { Macros } from './macros.js';

export interface StepWarning {
  field: string;
  code: string;
  message: string;
}

/** Non-blocking advice returned with a 200: the answer is stored, the person is told. */
export function bodyWarnings(p: { age: number; height_cm: number; weight_kg: number }): StepWarning[] {
  const out: StepWarning[] = [];
  const bmi = p.weight_kg / (p.height_cm / 100) ** 2;
  if (bmi < 18.5) {
    out.push({
      field: 'weight',
      code: 'bmi_low',
      message: `A BMI of ${bmi.toFixed(1)} is below the healthy range; talk to a doctor before cutting calories.`,
    });
  } else if (bmi >= 40) {
    out.push({
      field: 'weight',
      code: 'bmi_very_high',
      message: `A BMI of ${bmi.toFixed(1)} is very high; a doctor should supervise big dietary changes.`,
    });
  }
  if (p.age >= 70) {
    out.push({
      field: 'age',
      code: 'age_senior',
      message:
        'Over 70, protein needs are higher and medication interactions are common: involve your doctor.',
    });
  }
  return out;
}

export function goalWarnings(p: {
  goal: string;
  deficit_percentage?: number;
  lifestyle_activity: string;
  exercise_frequency: string;
}): StepWarning[] {
  const out: StepWarning[] = [];
  if (p.goal === 'lose' && (p.deficit_percentage ?? 0) > 25) {
    out.push({
      field: 'deficit_percentage',
      code: 'deficit_aggressive',
      message: 'A deficit above 25 % is hard to sustain and risks muscle loss.',
    });
  }
  if (p.goal === 'maintain' && p.deficit_percentage !== undefined) {
    out.push({
      field: 'deficit_percentage',
      code: 'deficit_ignored',
      message: 'A deficit is not used when the goal is to maintain.',
    });
  }
  if (p.lifestyle_activity === 'sedentary' && p.exercise_frequency === '5_plus_per_week') {
    out.push({
      field: 'lifestyle_activity',
      code: 'activity_inconsistent',
      message: 'Training 5+ times a week usually means at least a lightly active lifestyle.',
    });
  }
  return out;
}

export function targetWarnings(sex: string, macros: Macros): StepWarning[] {
  const floor = sex === 'female' ? 1200 : 1500;
  return macros.calories < floor
    ? [
        {
          field: 'calories',
          code: 'calories_low',
          message: `${macros.calories} kcal a day is below ${floor} kcal; only do this under medical supervision.`,
        },
      ]
    : [];
}

const SUPERVISED = new Set(['diabetes', 'ckd', 'heart_disease', 'hypertension']);

export function healthWarnings(
  p: { conditions?: string[]; medications?: string; allergies?: string[] },
  dietType: string | undefined,
): StepWarning[] {
  const out: StepWarning[] = [];
  const supervised = (p.conditions ?? []).filter((c) => SUPERVISED.has(c));
  if (supervised.length || (p.medications ?? '').trim()) {
    out.push({
      field: supervised.length ? 'conditions' : 'medications',
      code: 'medical_supervision',
      message:
        'With these conditions or medications, review the plan with your doctor: doses may need adjusting.',
    });
  }
  if (dietType === 'carnivore' && (p.allergies ?? []).includes('beef')) {
    out.push({
      field: 'allergies',
      code: 'allergy_diet_conflict',
      message: 'A beef allergy narrows a carnivore diet; your plan will use other meats.',
    });
  }
  return out;
}
