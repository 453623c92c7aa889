import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { affectedRows, execute, firstRow, rowsOf } from '#libs/db';
import { type CalculatorSession } from './calculator.entities.js';
import type { Macros } from './macros.js';

/** A session as the calculator reads it: the row with its jsonb narrowed, and its version. */
export type SessionRow = Omit<CalculatorSession, 'paid_at'> & {
  answers: Record<string, unknown>;
  profile: Record<string, unknown>;
  macros: Macros | null;
  /** The row's xmin: changes on every update (optimistic concurrency token). */
  row_version: string;
};

const COLUMNS = `s.id, s.status, s.step_completed, s.answers, s.profile, s.macros, s.email, s.is_premium,
                 s.payment_status, s.tier, s.created_at, s.updated_at, s.xmin::text AS row_version`;

/** Calculator sessions and their bearer tokens (stored as SHA-256 digests). */
@Injectable()
export class CalculatorRepository {
  constructor(private readonly db: DataSource) {}

  async create(tokenHash: string): Promise<Pick<SessionRow, 'id' | 'step_completed'>> {
    const rows = await rowsOf<Pick<SessionRow, 'id' | 'step_completed'>>(
      this.db,
      `WITH s AS (INSERT INTO calculator_sessions DEFAULT VALUES RETURNING id, step_completed),
            t AS (INSERT INTO calculator_session_tokens (token_hash, session_id, purpose)
                  SELECT $1, id, 'session' FROM s)
       SELECT id, step_completed FROM s`,
      [tokenHash],
    );
    return rows[0]!;
  }

  /** The session a token opens; with `id`, only if the token belongs to that session. */
  async findByToken(tokenHash: string, id?: string): Promise<SessionRow | null> {
    const row = await firstRow<SessionRow>(
      this.db,
      `SELECT ${COLUMNS}
         FROM calculator_session_tokens t JOIN calculator_sessions s ON s.id = t.session_id
        WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > now())
          AND ($2::uuid IS NULL OR s.id = $2::uuid)`,
      [tokenHash, id ?? null],
    );
    return row ?? null;
  }

  async lockById(manager: EntityManager, id: string): Promise<SessionRow | null> {
    const row = await firstRow<SessionRow>(
      manager,
      `SELECT ${COLUMNS} FROM calculator_sessions s WHERE s.id = $1 FOR UPDATE`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Save-progress in one round trip: the token check and the merge are the same statement. Null
   * when the token does not open this session or the session is no longer editable.
   */
  async mergeAnswers(
    id: string,
    tokenHash: string,
    patch: Record<string, unknown>,
    email: string | null,
  ): Promise<Pick<SessionRow, 'step_completed' | 'answers'> | null> {
    const row = await firstRow<Pick<SessionRow, 'step_completed' | 'answers'>>(
      this.db,
      `UPDATE calculator_sessions s SET answers = s.answers || $3::jsonb, email = COALESCE($4, s.email)
         FROM calculator_session_tokens t
        WHERE s.id = $1 AND s.status = 'in_progress'
          AND t.session_id = s.id AND t.token_hash = $2 AND (t.expires_at IS NULL OR t.expires_at > now())
        RETURNING s.step_completed, s.answers`,
      [id, tokenHash, JSON.stringify(patch), email],
    );
    return row ?? null;
  }

  async findById(id: string): Promise<SessionRow | null> {
    const row = await firstRow<SessionRow>(
      this.db,
      `SELECT ${COLUMNS} FROM calculator_sessions s WHERE s.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Stores a submitted step if the row is unchanged since it was read (`version`, its xmin):
   * optimistic concurrency, one round trip, no lock held while the macros are computed. False when
   * another write got there first.
   */
  async saveStepIfUnchanged(
    id: string,
    version: string,
    change: {
      answers: Record<string, unknown>;
      profile: Record<string, unknown>;
      stepCompleted: number;
      macros: Macros | null;
      email: string | null;
    },
  ): Promise<boolean> {
    const changed = await affectedRows(
      this.db,
      `UPDATE calculator_sessions
          SET answers = answers || $3::jsonb, profile = profile || $4::jsonb, step_completed = $5,
              macros = $6::jsonb, email = COALESCE($7, email)
        WHERE id = $1 AND xmin::text = $2 AND status = 'in_progress'`,
      [
        id,
        version,
        JSON.stringify(change.answers),
        JSON.stringify(change.profile),
        change.stepCompleted,
        change.macros ? JSON.stringify(change.macros) : null,
        change.email,
      ],
    );
    return changed === 1;
  }

  async newestInProgressByEmail(email: string): Promise<{ id: string } | null> {
    const row = await firstRow<{ id: string }>(
      this.db,
      `SELECT id FROM calculator_sessions WHERE email = $1 AND status = 'in_progress' ORDER BY updated_at DESC LIMIT 1`,
      [email],
    );
    return row ?? null;
  }

  async addToken(
    manager: EntityManager,
    sessionId: string,
    tokenHash: string,
    purpose: 'session' | 'resume',
    expiresAt: Date | null,
  ): Promise<void> {
    await execute(
      manager,
      `INSERT INTO calculator_session_tokens (token_hash, session_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
      [tokenHash, sessionId, purpose, expiresAt],
    );
  }

  async markPaid(manager: EntityManager, id: string, tier: string): Promise<void> {
    await execute(
      manager,
      `UPDATE calculator_sessions
          SET status = 'paid', is_premium = true, payment_status = 'completed', tier = $2, paid_at = now()
        WHERE id = $1`,
      [id, tier],
    );
  }

  async markPaymentPending(id: string, tier: string): Promise<void> {
    await execute(
      this.db,
      `UPDATE calculator_sessions SET payment_status = 'pending', tier = $2 WHERE id = $1 AND status = 'in_progress'`,
      [id, tier],
    );
  }

  /** The sessions an address entered (lower-cased), with what a copy of a person's data shows. */
  async ofEmail(manager: EntityManager, email: string): Promise<PersonSession[]> {
    return rowsOf<PersonSession>(
      manager,
      `SELECT id, status, step_completed, answers, macros, tier, created_at, updated_at, paid_at
         FROM calculator_sessions WHERE email = $1 ORDER BY created_at`,
      [email],
    );
  }

  /** The digests of the sessions' tokens (idempotency rows are scoped by them). */
  async tokenHashes(manager: EntityManager, ids: string[]): Promise<string[]> {
    const rows = await rowsOf<{ token_hash: string }>(
      manager,
      `SELECT token_hash FROM calculator_session_tokens WHERE session_id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => r.token_hash);
  }

  /** Deletes sessions with their tokens and checkout claims (cascade); their payments are unlinked first. */
  deleteSessions(manager: EntityManager, ids: string[]): Promise<number> {
    return affectedRows(manager, `DELETE FROM calculator_sessions WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Unpaid sessions nobody touched since `before`, oldest first (the retention purge). */
  async unpaidSince(
    manager: EntityManager,
    before: Date,
    limit: number,
  ): Promise<{ id: string; email: string | null }[]> {
    return rowsOf<{ id: string; email: string | null }>(
      manager,
      `SELECT id, email FROM calculator_sessions
        WHERE status = 'in_progress' AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
      [before, limit],
    );
  }
}

/** A session as a person's copy of their data shows it. */
export type PersonSession = Pick<
  CalculatorSession,
  'id' | 'status' | 'step_completed' | 'tier' | 'created_at' | 'updated_at' | 'paid_at'
> & { answers: Record<string, unknown>; macros: Macros | null };
