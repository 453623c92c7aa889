import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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
  constructor(private readonly db: DataSource) {}

  async hit(bucket: string, windowSeconds: number): Promise<WindowHit> {
    const rows: { hits: number; reset_at: Date }[] = await this.db.query(
      `WITH w AS (
         SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2) * $2) AS start
       )
       INSERT INTO rate_limit_counters AS c (bucket, window_start, hits, expires_at)
       SELECT $1, w.start, 1, w.start + make_interval(secs => $2) FROM w
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
       RETURNING hits, expires_at AS reset_at`,
      [bucket, windowSeconds],
    );
    return { hits: rows[0]!.hits, resetAt: rows[0]!.reset_at };
  }

  async purgeEnded(): Promise<number> {
    const [, count] = await this.db.query(`DELETE FROM rate_limit_counters WHERE expires_at < now()`);
    return count as number;
  }
}
