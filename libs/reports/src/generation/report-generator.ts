import type { ReportDocument, Section } from '../document/model.js';
import type { ReportInput } from '../composer/report-input.js';

export interface GenerationContext {
  reportId: string;
  revision: number;
  /** No retry after this one: fall back rather than fail where possible. */
  lastAttempt: boolean;
  /** Called as each section is ready (drives the SSE `section` events). */
  onSection(section: Section): Promise<void>;
  /** The composer wrote (part of) the report instead of the model, and why. */
  onFallback?(reason: string): void;
}

/** Writes a report document: the offline composer, or the Anthropic API with the composer behind it. */
export abstract class ReportGenerator {
  abstract readonly name: 'composer' | 'anthropic';
  abstract generate(input: ReportInput, context: GenerationContext): Promise<ReportDocument>;
}
