import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows, BookkeepingPool, rowsOf } from '#libs/db';
import { claimParams, claimSql, type IdempotencyClaim } from '../idempotency/idempotency.repository.js';

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
    const rows = await rowsOf<{ bucket: string; hits: number; reset_at: Date }>(
      this.db,
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

  /**
   * Counts one hit in each bucket and — only when every bucket is within its limit — claims the
   * idempotency key, in one statement: the two pieces of bookkeeping a mutation needs before it
   * runs cost one round trip. `claimed` is false when over a limit or when the key is taken.
   */
  async hitAndClaim(
    buckets: { bucket: string; windowSeconds: number; limit: number }[],
    claim: IdempotencyClaim,
  ): Promise<{ hits: WindowHit[]; claimed: boolean }> {
    const rows = await rowsOf<{ bucket: string; hits: number; reset_at: Date; claimed: number }>(
      this.db,
      `WITH w AS (
         SELECT b.bucket, b.secs, b.lim,
                date_bin(make_interval(secs => b.secs), clock_timestamp(), 'epoch') AS start
           FROM unnest($1::text[], $2::int[], $3::int[]) AS b(bucket, secs, lim)
       ), h AS (
         INSERT INTO rate_limit_counters AS c (bucket, window_start, hits, expires_at)
         SELECT w.bucket, w.start, 1, w.start + make_interval(secs => w.secs) FROM w
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = c.hits + 1
         RETURNING bucket, hits, expires_at AS reset_at
       ), claimed AS (
         ${claimSql(4, 'WHERE NOT EXISTS (SELECT 1 FROM h JOIN w USING (bucket) WHERE h.hits > w.lim)')}
       )
       SELECT h.bucket, h.hits, h.reset_at, (SELECT count(*) FROM claimed)::int AS claimed FROM h`,
      [
        buckets.map((b) => b.bucket),
        buckets.map((b) => b.windowSeconds),
        buckets.map((b) => b.limit),
        ...claimParams(claim),
      ],
      'rate_limit_hit_claim',
    );
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    return {
      hits: buckets.map((b) => {
        const r = byBucket.get(b.bucket)!;
        return { hits: r.hits, resetAt: r.reset_at };
      }),
      claimed: rows[0]?.claimed === 1,
    };
  }

  /** Erasure: the counters keyed by a person (an e-mail address), by their digests. */
  forgetBuckets(manager: EntityManager, buckets: string[]): Promise<number> {
    return affectedRows(manager, `DELETE FROM rate_limit_counters WHERE bucket = ANY($1::text[])`, [buckets]);
  }

  async purgeEnded(): Promise<number> {
    return affectedRows(this.db, `DELETE FROM rate_limit_counters WHERE expires_at < now()`);
  }
}
