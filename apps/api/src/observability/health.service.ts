import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';

/** What a check shows anyone: a code. The driver's message goes to the log only. */
export type CheckResult = 'ok' | 'error' | 'timeout';

/**
 * The report generator: `off` without ANTHROPIC_API_KEY (the composer writes every report), `ok`,
 * or `degraded` when the latest model call of the last hour was refused for its configuration
 * (key, permission, model): reports are then written by the composer. Not a reason to stop
 * routing traffic here, so readiness stays `ok`.
 */
export type GeneratorState = 'ok' | 'degraded' | 'off';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: { database: CheckResult; queue: CheckResult; generator: GeneratorState };
}

const TIMED_OUT = new Error('timed out');

@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);

  constructor(
    private readonly db: DataSource,
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, queue, generator] = await Promise.all([
      this.check('database', () => this.db.query('SELECT 1')),
      this.check('queue', () => this.queue.stats()),
      this.generator(),
    ]);
    return {
      status: database === 'ok' && queue === 'ok' ? 'ok' : 'unavailable',
      checks: { database, queue, generator },
    };
  }

  private async generator(): Promise<GeneratorState> {
    if (!this.config.anthropic.apiKey) return 'off';
    try {
      const rows: { error_kind: string | null }[] = await this.db.query(
        `SELECT error_kind FROM llm_api_logs WHERE created_at > now() - interval '1 hour'
          ORDER BY created_at DESC LIMIT 1`,
      );
      return rows[0] && ['auth', 'permission', 'model_not_found'].includes(rows[0].error_kind ?? '')
        ? 'degraded'
        : 'ok';
    } catch (err) {
      this.logger.warn({ msg: 'readiness check failed', check: 'generator', err });
      return 'ok';
    }
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
