import type pg from 'pg';
import { vendorPartition } from '#libs/db';
import { PRODUCT_FILLFACTOR } from '../../libs/catalogue/src/bulk/products-bulk.target.js';

/**
 * Re-partitions one vendor's products into `leaves` hash leaves (bench:search --leaves): a new
 * partition tree like the vendor's, filled from it, swapped in for it in one transaction (ATTACH
 * builds the parent's indexes on each new leaf), then each leaf's statistics targets set and
 * sampled, as a first load leaves them. For measuring what the number of leaves costs a search;
 * the product always has the 16 leaves create_vendor_partitions makes.
 */
export async function repartitionProducts(
  client: pg.ClientBase,
  vendorId: string,
  leaves: number,
): Promise<void> {
  const live = vendorPartition('products', vendorId);
  const next = `${live}_next`;
  const { rows } = await client.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
      WHERE table_name = 'products' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
  );
  const columns = rows.map((r) => r.name).join(', ');
  await client.query(`DROP TABLE IF EXISTS ${next}`);
  await client.query(
    `CREATE TABLE ${next} (LIKE products INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)
       PARTITION BY HASH (id)`,
  );
  for (let r = 0; r < leaves; r++)
    await client.query(
      `CREATE TABLE ${next}_p${r} PARTITION OF ${next} FOR VALUES WITH (MODULUS ${leaves}, REMAINDER ${r})
         WITH (fillfactor = ${PRODUCT_FILLFACTOR})`,
    );
  await client.query(`INSERT INTO ${next} (${columns}) SELECT ${columns} FROM ${live}`);
  await client.query('BEGIN');
  await client.query(`ALTER TABLE products DETACH PARTITION ${live}`);
  await client.query(`ALTER TABLE products ATTACH PARTITION ${next} FOR VALUES IN ('${vendorId}')`);
  await client.query(`DROP TABLE ${live}`);
  await client.query(`ALTER TABLE ${next} RENAME TO ${live}`);
  for (let r = 0; r < leaves; r++) await client.query(`ALTER TABLE ${next}_p${r} RENAME TO ${live}_p${r}`);
  await client.query('COMMIT');
  for (let r = 0; r < leaves; r++)
    await client.query(`SELECT set_leaf_statistics('${live}_p${r}'); ANALYZE ${live}_p${r}`);
}
