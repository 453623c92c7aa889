import type { DataSource } from 'typeorm';

/** Where a needle was found: table (a leaf partition names itself), column, and how many rows. */
export interface Finding {
  table: string;
  /** The partitioned table a leaf belongs to (the table itself when it is not a partition). */
  root: string;
  column: string;
  rows: number;
  /** `text` (the column as text, jsonb included), `bytes` (bytea as text), `opened` (decrypted). */
  via: 'text' | 'bytes' | 'opened';
}

/**
 * Opens a sealed bytea column where the key is at hand: returns the plaintext of one row's value, or
 * null when it cannot be opened. Keyed by `table.column`.
 */
export type Opener = (row: Record<string, unknown>) => string | null;

interface Column {
  table: string;
  root: string;
  column: string;
  type: string;
}

/**
 * Searches every table and column of a database for values (an e-mail address, a name, a token, a
 * distinctive free-text marker): every schema but the system ones, every leaf partition (default
 * partitions included) read directly, text and jsonb as text, bytea as its bytes, and sealed columns
 * decrypted through `openers` where the key is at hand. Case-insensitive substring match.
 */
export async function scanDatabase(
  ds: DataSource,
  needles: string[],
  options: { openers?: Record<string, Opener>; skipTables?: string[] } = {},
): Promise<Map<string, Finding[]>> {
  const columns: Column[] = await ds.query(
    `SELECT format('%I.%I', n.nspname, c.relname) AS table,
            coalesce(pg_partition_root(c.oid), c.oid)::regclass::text AS root,
            a.attname AS column, format_type(a.atttypid, NULL) AS type
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND n.nspname NOT LIKE 'pg_temp%'
      ORDER BY 1, 2`,
  );
  const skip = new Set(options.skipTables ?? []);
  const byTable = new Map<string, Column[]>();
  for (const c of columns) {
    if (skip.has(c.table)) continue;
    byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  }
  const found = new Map<string, Finding[]>(needles.map((n) => [n, []]));
  const patterns = needles.map((n) => `%${n.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
  for (const [table, cols] of byTable) {
    for (const col of cols) {
      const expr =
        col.type === 'bytea' ? `encode(${quote(col.column)}, 'escape')` : `${quote(col.column)}::text`;
      const counts: { i: number; n: number }[] = await ds.query(
        `SELECT p.i, count(t.*)::int AS n
           FROM unnest($1::text[]) WITH ORDINALITY p (pattern, i)
           LEFT JOIN ${table} t ON ${expr} ILIKE p.pattern
          GROUP BY p.i`,
        [patterns],
      );
      for (const { i, n } of counts) {
        if (n > 0) {
          found.get(needles[Number(i) - 1]!)!.push({
            table,
            root: col.root,
            column: col.column,
            rows: n,
            via: col.type === 'bytea' ? 'bytes' : 'text',
          });
        }
      }
      const opener = options.openers?.[`${table.replace(/^public\./, '')}.${col.column}`];
      if (opener && col.type === 'bytea') {
        const rows: Record<string, unknown>[] = await ds.query(
          `SELECT * FROM ${table} WHERE ${quote(col.column)} IS NOT NULL`,
        );
        for (const [k, needle] of needles.entries()) {
          const n = rows.filter((r) => opener(r)?.toLowerCase().includes(needle.toLowerCase())).length;
          if (n > 0)
            found
              .get(needles[k]!)!
              .push({ table, root: col.root, column: col.column, rows: n, via: 'opened' });
        }
      }
    }
  }
  return found;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * The findings outside the tables a value may live in: `homes` names tables (`payments`, or
 * `pgboss.job`) or `table.column`; a partition counts as its partitioned table.
 */
export function outsideHomes(findings: Finding[], homes: string[]): Finding[] {
  const bare = (t: string) => t.replace(/^public\./, '');
  return findings.filter(
    (f) =>
      !homes.some((h) => {
        const [table, column] = h.includes('.') && !h.startsWith('pgboss.') ? h.split('.') : [h, undefined];
        const matches = bare(f.root) === table || bare(f.table) === table;
        return matches && (column === undefined || f.column === column);
      }),
  );
}

/** The sealed columns the vault can open, for `scanDatabase`'s openers (idempotent responses). */
export function vaultOpeners(vault: {
  openValue(context: string, packed: Buffer): string;
}): Record<string, Opener> {
  return {
    'idempotency_keys.response_sealed': (row) =>
      vault.openValue(
        `idempotency:${row.scope as string}:${row.key as string}`,
        row.response_sealed as Buffer,
      ),
  };
}
