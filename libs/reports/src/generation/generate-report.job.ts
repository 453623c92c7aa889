import { UUID_PATTERN } from '#libs/common';
import { Job, PermanentJobError, type JobContext, type JobHandler } from '#libs/queue';
import { PermanentGenerationError, ReportGenerationService } from './report-generation.service.js';

@Job('report.generate')
export class GenerateReportJob implements JobHandler<'report.generate'> {
  constructor(private readonly generation: ReportGenerationService) {}

  async handle(data: { reportId: string }, context: JobContext): Promise<void> {
    if (typeof data?.reportId !== 'string' || !UUID_PATTERN.test(data.reportId))
      throw new PermanentJobError('report.generate needs a reportId');
    try {
      await this.generation.generate(data.reportId, context);
    } catch (err) {
      if (err instanceof PermanentGenerationError) throw new PermanentJobError(err.message, { cause: err });
      throw err;
    }
  }
}
