import { composeReport } from '../composer/composer.js';
import type { ReportDocument } from '../document/model.js';
import type { ReportInput } from '../composer/report-input.js';
import { ReportGenerator, type GenerationContext } from './report-generator.js';

export class ComposerGenerator extends ReportGenerator {
  readonly name = 'composer' as const;

  async generate(input: ReportInput, context: GenerationContext): Promise<ReportDocument> {
    const doc = composeReport(input);
    for (const section of doc.sections) await context.onSection(section);
    return doc;
  }
}
