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

  /** Counts one hit in each bucket (all of a route's rules in one round trip). */
  async hit(buckets: { bucket: string; windowSeconds: number }[]): Promise<WindowHit[]> {
    const { rows } = await this.db.query<{ bucket: string; hits: number; reset_at: Date }>(
      `WITH w AS (
         SELECT b.bucket, b.secs, date_bin(make_interval(secs => b.secs), clock_timestamp(), 'epoch') AS start
           FROM unnest($1::text[], $2::int[]) AS b(bucket, secs)
       )
       INSERT INTO rate_limit_counters AS c (bucket, window_start, hits, expires_at)
       SELECT w.bucket, w.start, 1, w.start + make_interval(secs => w.secs) FROM w
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
       RETURNING bucket, hits, expires_at AS reset_at`,
      [buckets.map((b) => b.bucket), buckets.map((b) => b.windowSeconds)],
      'rate_limit_hit_many',
    );
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    return buckets.map((b) => {
      const r = byBucket.get(b.bucket)!;
      return { hits: r.hits, resetAt: r.reset_at };
    });
  }

  async purgeEnded(): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM rate_limit_counters WHERE expires_at < now()`, []);
    return rowCount ?? 0;
  }
}
