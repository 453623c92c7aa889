import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consumers: tiers, calculator sessions and their tokens, payments (Stripe or sandbox), the report
 * row created by the paid transition with its access tokens, and the mail outbox.
 * Tokens are stored only as SHA-256 hex digests.
 */
export class CalculatorPayments1795219300000 implements MigrationInterface {
  name = 'CalculatorPayments1795219300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payment_tiers (
        code        text        PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
        name        text        NOT NULL,
        price_cents integer     NOT NULL CHECK (price_cents > 0),
        currency    text        NOT NULL DEFAULT 'usd' CHECK (currency ~ '^[a-z]{3}$'),
        -- sections, report_expiry_days, revisions and marketing copy: editable without a deploy
        features    jsonb       NOT NULL,
        sort_order  integer     NOT NULL,
        active      boolean     NOT NULL DEFAULT true,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (jsonb_typeof(features->'sections') = 'array'),
        CHECK ((features->>'report_expiry_days')::int > 0),
        CHECK ((features->>'revisions')::int > 0)
      )`);
    await q.query(`
      INSERT INTO payment_tiers (code, name, price_cents, features, sort_order) VALUES
      ('bundle', 'Bundle', 999,
        '{"sections":[1,2,3,4,5,6,7,8,9],"report_expiry_days":30,"revisions":1,"includes":["Personalised protocol","Daily targets","30-day timeline"]}', 1),
      ('shopping', 'Shopping', 1900,
        '{"sections":[1,2,3,4,5,6,7,8,9,12],"report_expiry_days":60,"revisions":2,"includes":["Everything in Bundle","Weekly grocery lists"]}', 2),
      ('meal_plan', 'Meal Plan', 2700,
        '{"sections":[1,2,3,4,5,6,7,8,9,10,11,12],"report_expiry_days":90,"revisions":3,"includes":["Everything in Shopping","Food pyramid","Daily eating patterns"]}', 3),
      ('doctor', 'Doctor', 1500,
        '{"sections":[1,2,3,4,5,6,7,8,9,13,14,15,16,17,18,19,20,21],"report_expiry_days":180,"revisions":5,"includes":["Everything in Bundle","Physician consultation guide","Lab reference","Symptom tracker"]}', 4)`);

    await q.query(`
      CREATE TABLE calculator_sessions (
        id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        status         text        NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'paid')),
        step_completed smallint    NOT NULL DEFAULT 0 CHECK (step_completed BETWEEN 0 AND 4),
        answers        jsonb       NOT NULL DEFAULT '{}',
        profile        jsonb       NOT NULL DEFAULT '{}',
        macros         jsonb,
        email          text,
        is_premium     boolean     NOT NULL DEFAULT false,
        payment_status text        NOT NULL DEFAULT 'none' CHECK (payment_status IN ('none', 'pending', 'completed')),
        tier           text        REFERENCES payment_tiers (code),
        paid_at        timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `COMMENT ON COLUMN calculator_sessions.answers IS 'Everything the person entered, merged (save-progress drafts and submitted steps)'`,
    );
    await q.query(
      `COMMENT ON COLUMN calculator_sessions.profile IS 'Validated, normalised (metric) values of submitted steps: what macros and reports use'`,
    );
    await q.query(`
      CREATE INDEX calculator_sessions_resume_idx ON calculator_sessions (email, updated_at DESC)
        WHERE status = 'in_progress' AND email IS NOT NULL`);
    await q.query(`CREATE TRIGGER calculator_sessions_updated_at BEFORE UPDATE ON calculator_sessions
                     FOR EACH ROW EXECUTE FUNCTION set_updated_at()`);

    await q.query(`
      CREATE TABLE calculator_session_tokens (
        token_hash text        PRIMARY KEY CHECK (length(token_hash) = 64),
        session_id uuid        NOT NULL REFERENCES calculator_sessions (id) ON DELETE CASCADE,
        purpose    text        NOT NULL CHECK (purpose IN ('session', 'resume')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX calculator_session_tokens_session_idx ON calculator_session_tokens (session_id)`,
    );

    await q.query(`
      CREATE TABLE payments (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id          uuid        NOT NULL REFERENCES calculator_sessions (id),
        tier                text        NOT NULL REFERENCES payment_tiers (code),
        provider            text        NOT NULL CHECK (provider IN ('stripe', 'sandbox')),
        checkout_session_id text        NOT NULL UNIQUE,
        amount_cents        integer     NOT NULL,
        currency            text        NOT NULL,
        status              text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
        created_at          timestamptz NOT NULL DEFAULT now(),
        completed_at        timestamptz
      )`);
    await q.query(`CREATE INDEX payments_session_idx ON payments (session_id)`);

    // The sandbox provider's own state (what Stripe keeps on its side).
    await q.query(`
      CREATE TABLE sandbox_checkouts (
        id           text        PRIMARY KEY,
        amount_cents integer     NOT NULL,
        currency     text        NOT NULL,
        metadata     jsonb       NOT NULL,
        status       text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        paid_at      timestamptz
      )`);

    // Each provider event is processed once.
    await q.query(`
      CREATE TABLE payment_events (
        provider    text        NOT NULL,
        event_id    text        NOT NULL,
        type        text        NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      )`);

    await q.query(`
      CREATE TABLE reports (
        id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id        uuid        NOT NULL UNIQUE REFERENCES calculator_sessions (id),
        payment_id        uuid        REFERENCES payments (id),
        tier              text        NOT NULL REFERENCES payment_tiers (code),
        email             text        NOT NULL,
        status            text        NOT NULL DEFAULT 'queued'
                                      CHECK (status IN ('queued', 'generating', 'completed', 'failed')),
        stage             smallint    NOT NULL DEFAULT 0 CHECK (stage BETWEEN 0 AND 5),
        progress          smallint    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        revisions_allowed smallint    NOT NULL CHECK (revisions_allowed > 0),
        expires_at        timestamptz NOT NULL,
        is_expired        boolean     NOT NULL DEFAULT false,
        revoked_at        timestamptz,
        access_count      bigint      NOT NULL DEFAULT 0,
        last_accessed_at  timestamptz,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX reports_expiry_idx ON reports (expires_at) WHERE NOT is_expired`);
    await q.query(
      `CREATE TRIGGER reports_updated_at BEFORE UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
    );

    await q.query(`
      CREATE TABLE report_access_tokens (
        token_hash text        PRIMARY KEY CHECK (length(token_hash) = 64),
        report_id  uuid        NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        purpose    text        NOT NULL DEFAULT 'owner' CHECK (purpose IN ('owner', 'email')),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX report_access_tokens_report_idx ON report_access_tokens (report_id)`);

    await q.query(`
      CREATE TABLE mail_outbox (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        template            text        NOT NULL,
        to_address          text        NOT NULL,
        subject             text        NOT NULL,
        text_body           text,
        html_body           text,
        status              text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'stored')),
        attempts            integer     NOT NULL DEFAULT 0,
        last_error          text,
        transport_message_id text,
        created_at          timestamptz NOT NULL DEFAULT now(),
        sent_at             timestamptz
      )`);
    await q.query(`CREATE INDEX mail_outbox_to_idx ON mail_outbox (to_address, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'mail_outbox',
      'report_access_tokens',
      'reports',
      'payment_events',
      'sandbox_checkouts',
      'payments',
      'calculator_session_tokens',
      'calculator_sessions',
      'payment_tiers',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
