import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueService } from '#libs/queue';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: { database: string; queue: string };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: DataSource,
    private readonly queue: QueueService,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, queue] = await Promise.all([
      check(() => this.db.query('SELECT 1')),
      check(() => this.queue.stats()),
    ]);
    return {
      status: database === 'ok' && queue === 'ok' ? 'ok' : 'unavailable',
      checks: { database, queue },
    };
  }
}

async function check(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}
