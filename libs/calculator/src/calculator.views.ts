/** Views the calculator publishes for other libs (libs/db schema-source.ts creates them, `security_invoker`). */
export const VIEWS: Record<string, string> = {
  /** A session's answers and computed targets, what a report is written from (reports). */
  calculator_answers: `SELECT id, profile, macros FROM calculator_sessions`,
};
