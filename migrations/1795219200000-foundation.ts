import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation: shared helpers, the Postgres-backed rate limiter and the idempotency-key store.
 */
export class Foundation1795219200000 implements MigrationInterface {
  name = 'Foundation1795219200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END $$`);

    // Rate limits: one row per (bucket, fixed window). UNLOGGED: counters are worth losing on a
    // crash rather than paying WAL on every request.
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        bucket       text        NOT NULL,
        window_start timestamptz NOT NULL,
        hits         integer     NOT NULL,
        expires_at   timestamptz NOT NULL,
        PRIMARY KEY (bucket, window_start)
      )`);
    await q.query(`CREATE INDEX rate_limit_counters_expires_idx ON rate_limit_counters (expires_at)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope           text        NOT NULL,
        key             text        NOT NULL,
        method          text        NOT NULL,
        path            text        NOT NULL,
        fingerprint     text        NOT NULL,
        state           text        NOT NULL CHECK (state IN ('in_flight', 'completed')),
        response_status integer,
        response_body   jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        locked_at       timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE rate_limit_counters`);
    await q.query(`DROP FUNCTION set_updated_at()`);
  }
}
