import { Injectable } from '@nestjs/common';
import { BookkeepingPool, execute, firstRow, rowsOf } from '#libs/db';
import { type Vendor } from './vendors.entities.js';
import { DataSource, type EntityManager } from 'typeorm';

export type VendorStatus = 'active' | 'suspended' | 'deleted';

export type VendorRow = Omit<Vendor, 'suspended_at' | 'deleted_at'>;

/** What a vendor's profile is written from: slug, name and category, and the optional rest. */
export type VendorProfile = Pick<Vendor, 'slug' | 'name' | 'category'> &
  Partial<
    Pick<
      Vendor,
      | 'subcategory'
      | 'description'
      | 'website'
      | 'logo_url'
      | 'contact_email'
      | 'delivery_regions'
      | 'best_for'
      | 'price_level'
    >
  >;

export interface DirectoryQuery {
  category?: string;
  q?: string;
  limit: number;
  /** Keyset: the last (name, id) seen. */
  after?: { name: string; id: string };
}

const COLUMNS = `v.id, v.slug, v.name, v.category, v.subcategory, v.description, v.website, v.logo_url,
  v.delivery_regions, v.best_for, v.price_level, v.contact_email, v.status, v.created_at, v.updated_at`;

@Injectable()
export class VendorsRepository {
  constructor(
    private readonly db: DataSource,
    private readonly bookkeeping: BookkeepingPool,
  ) {}

  /** Inserts the vendor, creates its partitions and seeds its default diet rules (same transaction). */
  async insertWithPartitions(manager: EntityManager, p: VendorProfile): Promise<VendorRow | null> {
    const rows = await rowsOf<VendorRow>(
      manager,
      `INSERT INTO vendors AS v (slug, name, category, subcategory, description, website, logo_url, contact_email,
              delivery_regions, best_for, price_level)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, '{}'::text[]), coalesce($10, '{}'::text[]), $11)
       ON CONFLICT (slug) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        p.slug,
        p.name,
        p.category,
        p.subcategory ?? null,
        p.description ?? null,
        p.website ?? null,
        p.logo_url ?? null,
        p.contact_email ?? null,
        p.delivery_regions ?? null,
        p.best_for ?? null,
        p.price_level ?? null,
      ],
    );
    const vendor = rows[0];
    if (!vendor) return null;
    await execute(manager, `SELECT create_vendor_partitions($1)`, [vendor.id]);
    await execute(manager, `SELECT seed_default_diet_rules($1::uuid)`, [vendor.id]);
    return vendor;
  }

  async findById(id: string, manager?: EntityManager): Promise<VendorRow | null> {
    const row = await firstRow<VendorRow>(
      manager ?? this.db,
      `SELECT ${COLUMNS} FROM vendors v WHERE v.id = $1`,
      [id],
    );
    return row ?? null;
  }

  async lock(manager: EntityManager, id: string): Promise<VendorRow | null> {
    const row = await firstRow<VendorRow>(
      manager,
      `SELECT ${COLUMNS} FROM vendors v WHERE v.id = $1 FOR UPDATE`,
      [id],
    );
    return row ?? null;
  }

  async findBySlug(slug: string): Promise<VendorRow | null> {
    const row = await firstRow<VendorRow>(this.db, `SELECT ${COLUMNS} FROM vendors v WHERE v.slug = $1`, [
      slug,
    ]);
    return row ?? null;
  }

  /** For JWT authentication, before the request's scope: on the bookkeeping pool, as the key lookup. */
  async statusOf(id: string): Promise<VendorStatus | null> {
    const row = await firstRow<{ status: VendorStatus }>(
      this.bookkeeping,
      `SELECT status FROM vendors WHERE id = $1`,
      [id],
      'vendor_status',
    );
    return row?.status ?? null;
  }

  async update(
    manager: EntityManager,
    id: string,
    change: Partial<Omit<VendorProfile, 'slug'>> & { status?: VendorStatus },
  ): Promise<VendorRow> {
    const rows = await rowsOf<VendorRow>(
      manager,
      `UPDATE vendors v SET
         name = coalesce($2, v.name),
         category = coalesce($3, v.category),
         subcategory = CASE WHEN $9 THEN $4 ELSE v.subcategory END,
         description = CASE WHEN $10 THEN $5 ELSE v.description END,
         website = CASE WHEN $11 THEN $6 ELSE v.website END,
         logo_url = CASE WHEN $12 THEN $7 ELSE v.logo_url END,
         contact_email = CASE WHEN $13 THEN $14 ELSE v.contact_email END,
         delivery_regions = coalesce($15::text[], v.delivery_regions),
         best_for = coalesce($16::text[], v.best_for),
         price_level = CASE WHEN $17 THEN $18::smallint ELSE v.price_level END,
         status = coalesce($8, v.status),
         suspended_at = CASE WHEN $8 = 'suspended' THEN now() WHEN $8 = 'active' THEN NULL ELSE v.suspended_at END,
         deleted_at = CASE WHEN $8 = 'deleted' THEN now() ELSE v.deleted_at END,
         updated_at = now()
       WHERE v.id = $1
       RETURNING ${COLUMNS}`,
      [
        id,
        change.name ?? null,
        change.category ?? null,
        change.subcategory ?? null,
        change.description ?? null,
        change.website ?? null,
        change.logo_url ?? null,
        change.status ?? null,
        'subcategory' in change,
        'description' in change,
        'website' in change,
        'logo_url' in change,
        'contact_email' in change,
        change.contact_email ?? null,
        change.delivery_regions ?? null,
        change.best_for ?? null,
        'price_level' in change,
        change.price_level ?? null,
      ],
    );
    return rows[0]!;
  }

  async dropPartitions(manager: EntityManager, id: string): Promise<void> {
    await execute(manager, `SELECT drop_vendor_partitions($1)`, [id]);
  }

  // ---- public directory (active vendors only) ----

  listDirectory(q: DirectoryQuery): Promise<VendorRow[]> {
    return rowsOf<VendorRow>(
      this.db,
      `SELECT ${COLUMNS} FROM vendors v
        WHERE v.status = 'active'
          AND ($1::text IS NULL OR v.category = $1)
          AND ($2::text IS NULL OR v.name ILIKE '%' || $2 || '%' OR v.slug ILIKE '%' || $2 || '%')
          AND ($3::text IS NULL OR (lower(v.name), v.id) > (lower($3), $4::uuid))
        ORDER BY lower(v.name), v.id
        LIMIT $5`,
      [q.category ?? null, q.q ? escapeLike(q.q) : null, q.after?.name ?? null, q.after?.id ?? null, q.limit],
    );
  }

  async findActiveBySlug(slug: string): Promise<VendorRow | null> {
    const row = await firstRow<VendorRow>(
      this.db,
      `SELECT ${COLUMNS} FROM vendors v WHERE v.slug = $1 AND v.status = 'active'`,
      [slug],
    );
    return row ?? null;
  }

  categories(): Promise<{ category: string; vendor_count: number }[]> {
    return rowsOf<{ category: string; vendor_count: number }>(
      this.db,
      `SELECT category, count(*)::int AS vendor_count FROM vendors WHERE status = 'active'
        GROUP BY category ORDER BY category`,
    );
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
