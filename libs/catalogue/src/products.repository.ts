import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { firstRow, GenerateSql, rowsOf } from '#libs/db';
import { PRODUCT_FIELDS, type ProductField, type ProductFields, type ProductRow } from './product.types.js';

const COLUMNS = `p.id, p.external_id, ${PRODUCT_FIELDS.map((f) => `p.${f}`).join(', ')}, p.created_at, p.updated_at`;
const FIELD_LIST = PRODUCT_FIELDS.join(', ');

/**
 * One vendor's catalogue. Every statement names the vendor (`vendor_id = $1`), which also prunes
 * the LIST partition at plan time. Ids are uuid_v5(vendor_id, external_id), computed here by the
 * database, so an upsert by external id is an upsert by primary key.
 */
@Injectable()
export class ProductsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Insert or update by external id; an identical row is left untouched (changed = false).
   * `created`: a new row's created_at is this transaction's now() (xmax is not available on a
   * partitioned table's RETURNING).
   */
  @GenerateSql({ name: 'one', params: ['00000000-0000-4000-8000-00000000000a', 'SKU-1', { name: 'Bar' }] })
  async upsert(
    vendorId: VendorId,
    externalId: string,
    fields: ProductFields,
  ): Promise<{ product: ProductRow; created: boolean; changed: boolean }> {
    const rows = await rowsOf<ProductRow & { created: boolean }>(
      this.db,
      `INSERT INTO products AS p (vendor_id, id, external_id, ${FIELD_LIST})
       SELECT $1, uuid_generate_v5($1::uuid, $2), $2, ${PRODUCT_FIELDS.map((f) => `r.${f}`).join(', ')}
         FROM jsonb_populate_record(NULL::products, $3::jsonb) r
       ON CONFLICT (vendor_id, id) DO UPDATE
          SET ${PRODUCT_FIELDS.map((f) => `${f} = EXCLUDED.${f}`).join(', ')}, updated_at = now()
        WHERE (${PRODUCT_FIELDS.map((f) => `p.${f}`).join(', ')}) IS DISTINCT FROM (${PRODUCT_FIELDS.map((f) => `EXCLUDED.${f}`).join(', ')})
       RETURNING ${COLUMNS}, (p.created_at = now()) AS created`,
      [vendorId, externalId, JSON.stringify(fields)],
    );
    if (rows[0]) {
      const { created, ...product } = rows[0];
      return { product, created, changed: true };
    }
    const product = await this.findByExternalId(vendorId, externalId);
    return { product: product!, created: false, changed: false };
  }

  /** Sets the given fields of an existing product; null when it does not exist. */
  async update(vendorId: VendorId, id: string, fields: Partial<ProductFields>): Promise<ProductRow | null> {
    const set = (Object.keys(fields) as ProductField[]).filter((f) => PRODUCT_FIELDS.includes(f));
    if (set.length === 0) return this.findById(vendorId, id);
    const row = await firstRow<ProductRow>(
      this.db,
      `UPDATE products p
          SET ${set.map((f) => `${f} = r.${f}`).join(', ')}, updated_at = now()
         FROM jsonb_populate_record(NULL::products, $3::jsonb) r
        WHERE p.vendor_id = $1 AND p.id = $2
        RETURNING ${COLUMNS}`,
      [vendorId, id, JSON.stringify(fields)],
    );
    return row ?? null;
  }

  /** Deletes a product; returns its external id, or null when it did not exist. */
  async delete(manager: EntityManager, vendorId: VendorId, id: string): Promise<string | null> {
    const rows = await rowsOf<{ external_id: string }>(
      manager,
      `WITH d AS (DELETE FROM products WHERE vendor_id = $1 AND id = $2 RETURNING external_id) SELECT * FROM d`,
      [vendorId, id],
    );
    return rows[0]?.external_id ?? null;
  }

  async findById(vendorId: VendorId, id: string): Promise<ProductRow | null> {
    const row = await firstRow<ProductRow>(
      this.db,
      `SELECT ${COLUMNS} FROM products p WHERE p.vendor_id = $1 AND p.id = $2`,
      [vendorId, id],
    );
    return row ?? null;
  }

  async findByExternalId(vendorId: VendorId, externalId: string): Promise<ProductRow | null> {
    const row = await firstRow<ProductRow>(
      this.db,
      `SELECT ${COLUMNS} FROM products p WHERE p.vendor_id = $1 AND p.id = uuid_generate_v5($1::uuid, $2)`,
      [vendorId, externalId],
    );
    return row ?? null;
  }

  findMany(vendorId: VendorId, ids: string[]): Promise<ProductRow[]> {
    return rowsOf<ProductRow>(
      this.db,
      `SELECT ${COLUMNS} FROM products p WHERE p.vendor_id = $1 AND p.id = ANY($2::uuid[])`,
      [vendorId, ids],
    );
  }
}
