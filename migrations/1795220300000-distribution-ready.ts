import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ready for a distributed PostgreSQL (Citus, distribution column `vendor_id`): every vendor-scoped
 * table carries `vendor_id` (NOT NULL) in its primary key, in every unique constraint and in every
 * foreign key to another vendor-scoped table, so one vendor's rows co-locate on one node and every
 * constraint is checkable there. Two child tables that had no `vendor_id` (ingest_errors,
 * webhook_attempts) get one, with the row-level-security policies of their siblings. Lookups by
 * `id` alone keep an index (in a cluster they are the queries that fan out to every shard).
 */
export class DistributionReady1795220300000 implements MigrationInterface {
  name = 'DistributionReady1795220300000';

  async up(q: QueryRunner): Promise<void> {
    // foreign keys that name the old single-column keys go first
    await q.query(`ALTER TABLE ingest_jobs DROP CONSTRAINT ingest_jobs_feed_id_fkey`);
    await q.query(`ALTER TABLE ingest_errors DROP CONSTRAINT ingest_errors_job_id_fkey`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_endpoint_id_fkey`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey`);
    await q.query(`ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_delivery_id_fkey`);

    // primary keys lead with vendor_id; the id alone stays indexed
    for (const table of [
      'ingest_feeds',
      'ingest_jobs',
      'webhook_endpoints',
      'webhook_events',
      'webhook_deliveries',
      'vault_secrets',
    ]) {
      await q.query(`ALTER TABLE ${table} ALTER COLUMN vendor_id SET NOT NULL`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} ADD PRIMARY KEY (vendor_id, id)`);
      await q.query(`CREATE INDEX ${table}_id ON ${table} (id)`);
    }
    await q.query(
      `ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_endpoint_id_key`,
    );
    await q.query(`ALTER TABLE webhook_deliveries ADD UNIQUE (vendor_id, event_id, endpoint_id)`);

    // the audit log: every entry belongs to a vendor (platform-admin actions name the vendor acted on)
    await q.query(`ALTER TABLE audit_log ALTER COLUMN vendor_id SET NOT NULL`);
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey`);
    await q.query(`ALTER TABLE audit_log ADD PRIMARY KEY (vendor_id, id, occurred_at)`);

    // child tables get their parent's vendor
    await q.query(`ALTER TABLE ingest_errors ADD COLUMN vendor_id uuid`);
    await q.query(
      `UPDATE ingest_errors e SET vendor_id = j.vendor_id FROM ingest_jobs j WHERE j.id = e.job_id`,
    );
    await q.query(`DELETE FROM ingest_errors WHERE vendor_id IS NULL`);
    await q.query(`ALTER TABLE ingest_errors ALTER COLUMN vendor_id SET NOT NULL`);
    // a primary key too (shard moves replicate by it)
    await q.query(`ALTER TABLE ingest_errors ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY`);
    await q.query(`ALTER TABLE ingest_errors ADD PRIMARY KEY (vendor_id, job_id, id)`);
    await q.query(`ALTER TABLE webhook_attempts ADD COLUMN vendor_id uuid`);
    await q.query(
      `UPDATE webhook_attempts a SET vendor_id = d.vendor_id FROM webhook_deliveries d WHERE d.id = a.delivery_id`,
    );
    await q.query(`DELETE FROM webhook_attempts WHERE vendor_id IS NULL`);
    await q.query(`ALTER TABLE webhook_attempts ALTER COLUMN vendor_id SET NOT NULL`);
    await q.query(`ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_pkey`);
    await q.query(`ALTER TABLE webhook_attempts ADD PRIMARY KEY (vendor_id, delivery_id, attempt)`);
    await q.query(`CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt)`);

    // the foreign keys again, through vendor_id
    await q.query(`
      ALTER TABLE ingest_jobs ADD CONSTRAINT ingest_jobs_feed_id_fkey FOREIGN KEY (vendor_id, feed_id)
        REFERENCES ingest_feeds (vendor_id, id) ON DELETE SET NULL (feed_id)`);
    await q.query(`
      ALTER TABLE ingest_errors ADD CONSTRAINT ingest_errors_job_id_fkey FOREIGN KEY (vendor_id, job_id)
        REFERENCES ingest_jobs (vendor_id, id) ON DELETE CASCADE`);
    await q.query(`
      ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey
        FOREIGN KEY (vendor_id, endpoint_id) REFERENCES webhook_endpoints (vendor_id, id) ON DELETE CASCADE`);
    await q.query(`
      ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_id_fkey
        FOREIGN KEY (vendor_id, event_id) REFERENCES webhook_events (vendor_id, id)`);
    await q.query(`
      ALTER TABLE webhook_attempts ADD CONSTRAINT webhook_attempts_delivery_id_fkey
        FOREIGN KEY (vendor_id, delivery_id) REFERENCES webhook_deliveries (vendor_id, id) ON DELETE CASCADE`);

    // the two new vendor tables behind the same wall as the others
    for (const table of ['ingest_errors', 'webhook_attempts']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table} TO nrp_app
          USING (vendor_id = app_vendor_id()) WITH CHECK (vendor_id = app_vendor_id())`);
      await q.query(`CREATE POLICY platform_all ON ${table} TO nrp_platform USING (true) WITH CHECK (true)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['ingest_errors', 'webhook_attempts']) {
      await q.query(`DROP POLICY platform_all ON ${table}`);
      await q.query(`DROP POLICY tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`ALTER TABLE ingest_jobs DROP CONSTRAINT ingest_jobs_feed_id_fkey`);
    await q.query(`ALTER TABLE ingest_errors DROP CONSTRAINT ingest_errors_job_id_fkey`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_endpoint_id_fkey`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey`);
    await q.query(`ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_delivery_id_fkey`);
    await q.query(`DROP INDEX webhook_attempts_delivery`);
    await q.query(`ALTER TABLE webhook_attempts DROP CONSTRAINT webhook_attempts_pkey`);
    await q.query(`ALTER TABLE webhook_attempts ADD PRIMARY KEY (delivery_id, attempt)`);
    await q.query(`ALTER TABLE webhook_attempts DROP COLUMN vendor_id`);
    await q.query(`ALTER TABLE ingest_errors DROP CONSTRAINT ingest_errors_pkey`);
    await q.query(`ALTER TABLE ingest_errors DROP COLUMN id`);
    await q.query(`ALTER TABLE ingest_errors DROP COLUMN vendor_id`);
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey`);
    await q.query(`ALTER TABLE audit_log ADD PRIMARY KEY (id, occurred_at)`);
    await q.query(`ALTER TABLE audit_log ALTER COLUMN vendor_id DROP NOT NULL`);
    await q.query(
      `ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_vendor_id_event_id_endpoint_id_key`,
    );
    await q.query(`ALTER TABLE webhook_deliveries ADD UNIQUE (event_id, endpoint_id)`);
    for (const table of [
      'ingest_feeds',
      'ingest_jobs',
      'webhook_endpoints',
      'webhook_events',
      'webhook_deliveries',
      'vault_secrets',
    ]) {
      await q.query(`DROP INDEX ${table}_id`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id)`);
    }
    await q.query(`ALTER TABLE vault_secrets ALTER COLUMN vendor_id DROP NOT NULL`);
    await q.query(`
      ALTER TABLE ingest_jobs ADD CONSTRAINT ingest_jobs_feed_id_fkey FOREIGN KEY (feed_id)
        REFERENCES ingest_feeds (id) ON DELETE SET NULL`);
    await q.query(`
      ALTER TABLE ingest_errors ADD CONSTRAINT ingest_errors_job_id_fkey FOREIGN KEY (job_id)
        REFERENCES ingest_jobs (id) ON DELETE CASCADE`);
    await q.query(`
      ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey
        FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE`);
    await q.query(`
      ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_id_fkey
        FOREIGN KEY (event_id) REFERENCES webhook_events (id)`);
    await q.query(`
      ALTER TABLE webhook_attempts ADD CONSTRAINT webhook_attempts_delivery_id_fkey
        FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE`);
  }
}
