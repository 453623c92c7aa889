/** completion_percent: 25 per submitted step, plus the share of the next step already answered. */
const NEXT_STEP_REQUIRED: Record<number, string[][]> = {
  // Each entry is satisfied by any one of its alternatives.
  1: [['sex'], ['age'], ['height_cm', 'height_ft'], ['weight_kg', 'weight_lbs']],
  2: [['lifestyle_activity'], ['exercise_frequency'], ['goal'], ['diet_type']],
  3: [],
  4: [['email'], ['first_name'], ['last_name']],
};

export function completionPercent(stepCompleted: number, answers: Record<string, unknown>): number {
  if (stepCompleted >= 4) return 100;
  const next = NEXT_STEP_REQUIRED[stepCompleted + 1] ?? [];
  const answered = next.filter((alternatives) =>
    alternatives.some((k) => answers[k] !== undefined && answers[k] !== null),
  );
  const partial = next.length ? answered.length / next.length : 0;
  return Math.min(100, Math.floor(stepCompleted * 25 + partial * 25));
}
