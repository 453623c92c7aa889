import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Macros } from './macros.js';

export interface SessionRow {
  id: string;
  status: 'in_progress' | 'paid';
  step_completed: number;
  answers: Record<string, unknown>;
  profile: Record<string, unknown>;
  macros: Macros | null;
  email: string | null;
  is_premium: boolean;
  payment_status: 'none' | 'pending' | 'completed';
  tier: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `s.id, s.status, s.step_completed, s.answers, s.profile, s.macros, s.email, s.is_premium,
                 s.payment_status, s.tier, s.created_at, s.updated_at`;

/** Calculator sessions and their bearer tokens (stored as SHA-256 digests). */
@Injectable()
export class CalculatorRepository {
  constructor(private readonly db: DataSource) {}

  async create(tokenHash: string): Promise<SessionRow> {
    const rows: SessionRow[] = await this.db.query(
      `WITH s AS (INSERT INTO calculator_sessions DEFAULT VALUES RETURNING *),
            t AS (INSERT INTO calculator_session_tokens (token_hash, session_id, purpose)
                  SELECT $1, id, 'session' FROM s)
       SELECT ${COLUMNS} FROM s`,
      [tokenHash],
    );
    return rows[0]!;
  }

  /** The session a token opens; with `id`, only if the token belongs to that session. */
  async findByToken(tokenHash: string, id?: string): Promise<SessionRow | null> {
    const rows: SessionRow[] = await this.db.query(
      `SELECT ${COLUMNS}
         FROM calculator_session_tokens t JOIN calculator_sessions s ON s.id = t.session_id
        WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > now())
          AND ($2::uuid IS NULL OR s.id = $2::uuid)`,
      [tokenHash, id ?? null],
    );
    return rows[0] ?? null;
  }

  async lockById(manager: EntityManager, id: string): Promise<SessionRow | null> {
    const rows: SessionRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM calculator_sessions s WHERE s.id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Merges draft answers in one statement; null when the session is no longer editable. */
  async mergeAnswers(
    id: string,
    patch: Record<string, unknown>,
    email: string | null,
  ): Promise<Pick<SessionRow, 'step_completed' | 'answers'> | null> {
    const rows: Pick<SessionRow, 'step_completed' | 'answers'>[] = await this.db.query(
      `WITH u AS (
         UPDATE calculator_sessions SET answers = answers || $2::jsonb, email = COALESCE($3, email)
          WHERE id = $1 AND status = 'in_progress'
          RETURNING step_completed, answers
       )
       SELECT * FROM u`,
      [id, JSON.stringify(patch), email],
    );
    return rows[0] ?? null;
  }

  async saveStep(
    manager: EntityManager,
    id: string,
    change: {
      answers: Record<string, unknown>;
      profile: Record<string, unknown>;
      stepCompleted: number;
      macros: Macros | null;
      email: string | null;
    },
  ): Promise<void> {
    await manager.query(
      `UPDATE calculator_sessions
          SET answers = answers || $2::jsonb, profile = profile || $3::jsonb, step_completed = $4,
              macros = $5::jsonb, email = COALESCE($6, email)
        WHERE id = $1`,
      [
        id,
        JSON.stringify(change.answers),
        JSON.stringify(change.profile),
        change.stepCompleted,
        change.macros ? JSON.stringify(change.macros) : null,
        change.email,
      ],
    );
  }

  async newestInProgressByEmail(email: string): Promise<{ id: string } | null> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM calculator_sessions WHERE email = $1 AND status = 'in_progress' ORDER BY updated_at DESC LIMIT 1`,
      [email],
    );
    return rows[0] ?? null;
  }

  async addToken(
    manager: EntityManager,
    sessionId: string,
    tokenHash: string,
    purpose: 'session' | 'resume',
    expiresAt: Date | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO calculator_session_tokens (token_hash, session_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
      [tokenHash, sessionId, purpose, expiresAt],
    );
  }

  async markPaid(manager: EntityManager, id: string, tier: string): Promise<void> {
    await manager.query(
      `UPDATE calculator_sessions
          SET status = 'paid', is_premium = true, payment_status = 'completed', tier = $2, paid_at = now()
        WHERE id = $1`,
      [id, tier],
    );
  }

  async markPaymentPending(id: string, tier: string): Promise<void> {
    await this.db.query(
      `UPDATE calculator_sessions SET payment_status = 'pending', tier = $2 WHERE id = $1 AND status = 'in_progress'`,
      [id, tier],
    );
  }
}
