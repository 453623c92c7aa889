import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports: revisions (each immutable once completed), the durable progress-event log behind SSE
 * (NOTIFY on insert), the monthly-partitioned access log with a default partition and a trigger
 * that keeps access_count / last_accessed_at, and the LLM call log.
 */
export class Reports1795219400000 implements MigrationInterface {
  name = 'Reports1795219400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reports ADD COLUMN revision integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE reports ADD COLUMN generated_at timestamptz`);
    await q.query(`ALTER TABLE reports ADD COLUMN failure_reason text`);

    await q.query(`
      CREATE TABLE report_revisions (
        report_id    uuid        NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        revision     integer     NOT NULL CHECK (revision > 0),
        status       text        NOT NULL DEFAULT 'queued'
                                 CHECK (status IN ('queued', 'generating', 'completed', 'failed')),
        stage        smallint    NOT NULL DEFAULT 0 CHECK (stage BETWEEN 0 AND 5),
        progress     smallint    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        generator    text        CHECK (generator IN ('composer', 'anthropic')),
        sections     jsonb,
        document     jsonb,
        markdown     text,
        html         text,
        pdf          bytea,
        error        text,
        queued_at    timestamptz NOT NULL DEFAULT now(),
        started_at   timestamptz,
        completed_at timestamptz,
        PRIMARY KEY (report_id, revision)
      )`);
    // A completed revision never changes: regenerate makes a new one.
    await q.query(`
      CREATE FUNCTION report_revisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'completed' THEN
          RAISE EXCEPTION 'report % revision % is completed and cannot change', OLD.report_id, OLD.revision;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER report_revisions_immutable BEFORE UPDATE ON report_revisions
                     FOR EACH ROW EXECUTE FUNCTION report_revisions_immutable()`);
    // Reports paid before this migration get their first revision row.
    await q.query(
      `INSERT INTO report_revisions (report_id, revision, queued_at) SELECT id, 1, created_at FROM reports`,
    );

    await q.query(`
      CREATE TABLE report_events (
        id         bigserial   PRIMARY KEY,
        report_id  uuid        NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        revision   integer     NOT NULL,
        type       text        NOT NULL CHECK (type IN ('progress', 'section', 'complete', 'error')),
        data       jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX report_events_report_idx ON report_events (report_id, id)`);
    await q.query(`
      CREATE FUNCTION report_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('report_events', NEW.report_id::text);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER report_events_notify AFTER INSERT ON report_events
                     FOR EACH ROW EXECUTE FUNCTION report_events_notify()`);

    await q.query(`
      CREATE TABLE report_access_log (
        id          bigint      GENERATED ALWAYS AS IDENTITY,
        report_id   uuid        NOT NULL,
        accessed_at timestamptz NOT NULL DEFAULT now(),
        kind        text        NOT NULL,
        ip          inet,
        user_agent  text,
        success     boolean     NOT NULL,
        status      smallint    NOT NULL
      ) PARTITION BY RANGE (accessed_at)`);
    await q.query(`CREATE TABLE report_access_log_default PARTITION OF report_access_log DEFAULT`);
    await q.query(
      `CREATE INDEX report_access_log_report_idx ON report_access_log (report_id, accessed_at DESC)`,
    );
    await q.query(`
      CREATE FUNCTION ensure_report_access_log_partitions(months_ahead integer) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        m date := date_trunc('month', now())::date;
        created integer := 0;
        name text;
      BEGIN
        FOR i IN 0..months_ahead LOOP
          name := format('report_access_log_%s', to_char(m, 'YYYY_MM'));
          IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF report_access_log FOR VALUES FROM (%L) TO (%L)',
                           name, m, (m + interval '1 month')::date);
            created := created + 1;
          END IF;
          m := (m + interval '1 month')::date;
        END LOOP;
        RETURN created;
      END $$`);
    await q.query(`SELECT ensure_report_access_log_partitions(3)`);
    await q.query(`
      CREATE FUNCTION report_access_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.success THEN
          UPDATE reports SET access_count = access_count + 1,
                             last_accessed_at = GREATEST(COALESCE(last_accessed_at, NEW.accessed_at), NEW.accessed_at)
           WHERE id = NEW.report_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER report_access_count AFTER INSERT ON report_access_log
                     FOR EACH ROW EXECUTE FUNCTION report_access_count()`);

    await q.query(`
      CREATE TABLE llm_api_logs (
        id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        report_id     uuid        REFERENCES reports (id) ON DELETE SET NULL,
        revision      integer,
        request_id    text,
        model         text        NOT NULL,
        purpose       text        NOT NULL,
        input_tokens  integer,
        output_tokens integer,
        duration_ms   integer     NOT NULL,
        status        text        NOT NULL CHECK (status IN ('ok', 'error')),
        error         text,
        cost_usd      numeric(12, 6),
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX llm_api_logs_created_idx ON llm_api_logs (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE llm_api_logs`);
    await q.query(`DROP TABLE report_access_log`);
    await q.query(`DROP FUNCTION report_access_count()`);
    await q.query(`DROP FUNCTION ensure_report_access_log_partitions(integer)`);
    await q.query(`DROP TABLE report_events`);
    await q.query(`DROP FUNCTION report_events_notify()`);
    await q.query(`DROP TABLE report_revisions`);
    await q.query(`DROP FUNCTION report_revisions_immutable()`);
    await q.query(
      `ALTER TABLE reports DROP COLUMN failure_reason, DROP COLUMN generated_at, DROP COLUMN revision`,
    );
  }
}
