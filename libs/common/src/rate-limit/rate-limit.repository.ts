import { Injectable } from '@nestjs/common';
import { BookkeepingPool } from '#libs/db';

export interface WindowHit {
  hits: number;
  resetAt: Date;
}

/**
 * Fixed-window counters in an UNLOGGED table: one atomic upsert per request, so the limit holds
 * across any number of api processes sharing the database.
 */
@Injectable()
export class RateLimitRepository {
  constructor(private readonly db: BookkeepingPool) {}

  async hit(bucket: string, windowSeconds: number): Promise<WindowHit> {
    const { rows } = await this.db.query<{ hits: number; reset_at: Date }>(
      `WITH w AS (SELECT date_bin(make_interval(secs => $2), clock_timestamp(), 'epoch') AS start)
       INSERT INTO rate_limit_counters AS c (bucket, window_start, hits, expires_at)
       SELECT $1, w.start, 1, w.start + make_interval(secs => $2) FROM w
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
       RETURNING hits, expires_at AS reset_at`,
      [bucket, windowSeconds],
      'rate_limit_hit',
    );
    return { hits: rows[0]!.hits, resetAt: rows[0]!.reset_at };
  }

  async purgeEnded(): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM rate_limit_counters WHERE expires_at < now()`, []);
    return rowCount ?? 0;
  }
}
