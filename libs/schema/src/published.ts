/**
 * Views a lib publishes over its own tables for other libs to read (created by migrations, each
 * `security_invoker`, so row-level security applies to the reader): name → the owning lib.
 */
export const PUBLISHED: Record<string, string> = {};
