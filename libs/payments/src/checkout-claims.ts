import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { affectedRows } from '#libs/db';
import { AppError } from '#libs/common';

/** How long one checkout creation may hold its session (longer than the provider's own timeout). */
const CLAIM_SECONDS = 120;
/** How long a second checkout of the same session waits for the first before answering 409. */
const WAIT_MS = 10_000;
const POLL_MS = 100;

/**
 * Serialises checkout creation per calculator session without holding a connection or a
 * transaction across the provider's HTTP calls: a lease row in `checkout_claims` is taken in one
 * statement, the work runs, the lease is dropped. A request that finds the session claimed waits
 * for it (polling, nothing held meanwhile) and then runs after it; past WAIT_MS it gets 409
 * `checkout_in_progress` with Retry-After. A process that dies holding a lease blocks the session
 * for CLAIM_SECONDS at most.
 */
@Injectable()
export class CheckoutClaims {
  constructor(private readonly db: DataSource) {}

  async whileClaimed<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + WAIT_MS;
    while (!(await this.claim(sessionId))) {
      if (Date.now() >= deadline) {
        throw new AppError(
          409,
          'checkout_in_progress',
          'Another checkout of this session is being created',
          [{ message: 'retry after 2 s', retry_after: 2 }],
          { 'retry-after': '2' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return await work();
    } finally {
      await affectedRows(this.db, `DELETE FROM checkout_claims WHERE session_id = $1`, [sessionId]);
    }
  }

  private async claim(sessionId: string): Promise<boolean> {
    const claimed = await affectedRows(
      this.db,
      `INSERT INTO checkout_claims (session_id, claimed_until) VALUES ($1, now() + make_interval(secs => $2))
       ON CONFLICT (session_id) DO UPDATE SET claimed_until = excluded.claimed_until
        WHERE checkout_claims.claimed_until < now()`,
      [sessionId, CLAIM_SECONDS],
    );
    return claimed === 1;
  }
}
