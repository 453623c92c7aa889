import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueService } from '#libs/queue';

/** What a check shows anyone: a code. The driver's message goes to the log only. */
export type CheckResult = 'ok' | 'error' | 'timeout';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: { database: CheckResult; queue: CheckResult };
}

const TIMED_OUT = new Error('timed out');

@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);

  constructor(
    private readonly db: DataSource,
    private readonly queue: QueueService,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, queue] = await Promise.all([
      this.check('database', () => this.db.query('SELECT 1')),
      this.check('queue', () => this.queue.stats()),
    ]);
    return {
      status: database === 'ok' && queue === 'ok' ? 'ok' : 'unavailable',
      checks: { database, queue },
    };
  }

  private async check(name: string, probe: () => Promise<unknown>, timeoutMs = 2000): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(TIMED_OUT), timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (err) {
      this.logger.warn({ msg: 'readiness check failed', check: name, err });
      return err === TIMED_OUT ? 'timeout' : 'error';
    } finally {
      clearTimeout(timer);
    }
  }
}
