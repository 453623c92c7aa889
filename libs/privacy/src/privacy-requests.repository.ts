import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows, execute, firstRow } from '#libs/db';
import { type PrivacyRequest } from './privacy.entities.js';

/** The one-time links a buyer is e-mailed to download or erase their data (token digests only). */
@Injectable()
export class PrivacyRequestsRepository {
  async create(m: EntityManager, tokenHash: string, email: string, expiresAt: Date): Promise<void> {
    await execute(m, `INSERT INTO privacy_requests (token_hash, email, expires_at) VALUES ($1, $2, $3)`, [
      tokenHash,
      email,
      expiresAt,
    ]);
  }

  /** An unused, unexpired request. */
  async open(
    m: EntityManager,
    tokenHash: string,
  ): Promise<Pick<PrivacyRequest, 'email' | 'expires_at'> | null> {
    const row = await firstRow<Pick<PrivacyRequest, 'email' | 'expires_at'>>(
      m,
      `SELECT email, expires_at FROM privacy_requests
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()`,
      [tokenHash],
    );
    return row ?? null;
  }

  /** Uses it up (once): false when it was used or expired meanwhile. */
  async use(m: EntityManager, tokenHash: string): Promise<string | null> {
    const row = await firstRow<{ email: string }>(
      m,
      `UPDATE privacy_requests SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING email`,
      [tokenHash],
    );
    return row?.email ?? null;
  }

  forgetEmail(m: EntityManager, email: string): Promise<number> {
    return affectedRows(m, `DELETE FROM privacy_requests WHERE email = $1`, [email]);
  }

  purgeBefore(m: EntityManager, before: Date): Promise<number> {
    return affectedRows(m, `DELETE FROM privacy_requests WHERE expires_at < $1`, [before]);
  }
}
