import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affectedRows, execute, firstRow, rowsOf, type VendorId } from '#libs/db';
import { BEST_FOR_DIETS } from '#libs/vendors';
import { CATALOGUE_SOURCE, QUALITY_FIELDS, countsSelect } from './figure-counts.sql.js';
import { allergenAliasPairs } from './insights.types.js';

/** What the counts are read through: the allergen vocabulary, the diet types a fit counts, the fields. */
export interface FigureBasis {
  allergens: readonly string[];
}

/** The advisory lock class of a vendor's counts (the two-key space: no other lock uses it). */
const LOCK = `hashtext('insights.figures')`;

/**
 * A count reads every changed row (a rebuild: every product) in a few hash aggregates: no statement
 * timeout (the job's own expiry bounds it) and room to hash in memory, as the ingest has.
 */
const COUNTING = `SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '256MB'`;

/** What a fold or a rebuild did. */
export interface FigureChange {
  /** Categories whose counts changed ('' for products without one). */
  categories: string[];
  /** Changed rows read (a fold: log rows; a rebuild: products). */
  rows: number;
  /** A rebuild's check: count rows that differed from the stored ones (a fold: 0). */
  drift: number;
}

/**
 * vendor_category_counts, vendor_category_medians and vendor_figure_state: a vendor's figures as
 * counts per category (figure-counts.sql.ts), kept up to date from the change log the `products`
 * triggers write (fold), or counted again from the catalogue (rebuild: after a first load, when the
 * basis changed, and daily as a check). One vendor's fold and rebuild never run at once (a
 * per-vendor advisory lock).
 */
@Injectable()
export class FigureCountsRepository {
  constructor(private readonly db: DataSource) {}

  /** The digest of a basis: counts made on another need a rebuild. */
  basisOf(basis: FigureBasis): string {
    return createHash('sha256')
      .update(JSON.stringify([allergenAliasPairs(basis.allergens), BEST_FOR_DIETS, QUALITY_FIELDS, 'v1']))
      .digest('hex')
      .slice(0, 16);
  }

  /** The basis the vendor's counts were built on (null: never built). */
  async basis(vendorId: VendorId): Promise<string | null> {
    const row = await firstRow<{ basis: string }>(
      this.db,
      `SELECT basis FROM vendor_figure_state WHERE vendor_id = $1`,
      [vendorId],
    );
    return row?.basis ?? null;
  }

  /**
   * Takes the vendor's logged changes and adds them to its counts, in one transaction: the log rows
   * taken are exactly those whose writes committed, so each change counts once. Then re-reads the
   * medians of the categories touched.
   */
  fold(vendorId: VendorId, basis: FigureBasis): Promise<FigureChange> {
    const p = this.params(basis);
    return this.db.transaction(async (m) => {
      await execute(m, `SELECT pg_advisory_xact_lock(${LOCK}, hashtext($1::text))`, [vendorId]);
      await execute(m, COUNTING);
      const rows = await rowsOf<{ category: string | null; rows: number }>(
        m,
        `WITH taken AS (DELETE FROM catalogue_figure_changes WHERE vendor_id = $1 RETURNING *),
         delta AS (${countsSelect('taken', { alias: '$2', allergen: '$3', diets: '$4' })}),
         applied AS (
           INSERT INTO vendor_category_counts AS c (vendor_id, category, kind, key, currency, value, n, latest)
           SELECT vendor_id, category, kind, key, currency, value, n, latest FROM delta WHERE n <> 0 OR latest IS NOT NULL
           ON CONFLICT (vendor_id, category, kind, key, currency, value) DO UPDATE
             SET n = c.n + EXCLUDED.n, latest = greatest(c.latest, EXCLUDED.latest)
           RETURNING category)
         SELECT DISTINCT a.category, (SELECT count(*)::int FROM taken) AS rows FROM applied a
         UNION ALL SELECT NULL, (SELECT count(*)::int FROM taken)`,
        [vendorId, ...p],
      );
      const categories = rows.flatMap((r) => (r.category === null ? [] : [r.category]));
      await execute(
        m,
        `DELETE FROM vendor_category_counts WHERE vendor_id = $1 AND category = ANY($2) AND n = 0`,
        [vendorId, categories],
      );
      await this.medians(m, vendorId, categories);
      await execute(m, `UPDATE vendor_figure_state SET folded_at = now() WHERE vendor_id = $1`, [vendorId]);
      return { categories, rows: rows.find((r) => r.category === null)?.rows ?? 0, drift: 0 };
    });
  }

  /**
   * Counts the vendor's catalogue again and replaces its counts, in one REPEATABLE READ transaction:
   * the log rows it drops are exactly those whose writes its snapshot of the catalogue includes
   * (later ones are folded afterwards). Returns how many count rows differed — after a first load
   * all of them, in the daily check none, unless something wrote products around the triggers.
   */
  async rebuild(vendorId: VendorId, basis: FigureBasis): Promise<FigureChange> {
    const p = this.params(basis);
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      // the lock first, outside the transaction: the snapshot is taken after it is held
      await execute(runner.manager, `SELECT pg_advisory_lock(${LOCK}, hashtext($1::text))`, [vendorId]);
      await runner.startTransaction('REPEATABLE READ');
      try {
        const m = runner.manager;
        await execute(m, COUNTING);
        await execute(m, `DELETE FROM catalogue_figure_changes WHERE vendor_id = $1`, [vendorId]);
        await execute(
          m,
          `CREATE TEMPORARY TABLE figure_rebuild ON COMMIT DROP AS
             ${countsSelect(CATALOGUE_SOURCE, { alias: '$2', allergen: '$3', diets: '$4' })}`,
          [vendorId, ...p],
        );
        const [diff] = await rowsOf<{ drift: number; rows: number }>(
          m,
          `SELECT (SELECT count(*)::int FROM (
                    (SELECT category, kind, key, currency, value, n FROM figure_rebuild
                     EXCEPT SELECT category, kind, key, currency, value, n FROM vendor_category_counts WHERE vendor_id = $1)
                    UNION ALL
                    (SELECT category, kind, key, currency, value, n FROM vendor_category_counts WHERE vendor_id = $1
                     EXCEPT SELECT category, kind, key, currency, value, n FROM figure_rebuild)) d) AS drift,
                  (SELECT coalesce(sum(n), 0)::int FROM figure_rebuild WHERE kind = 'products') AS rows`,
          [vendorId],
        );
        // a category's last change: the latest of what the log told and what the catalogue says
        await execute(
          m,
          `UPDATE figure_rebuild r SET latest = greatest(r.latest, c.latest) FROM vendor_category_counts c
            WHERE c.vendor_id = $1 AND c.kind = 'products' AND r.kind = 'products' AND c.category = r.category`,
          [vendorId],
        );
        await execute(m, `DELETE FROM vendor_category_counts WHERE vendor_id = $1`, [vendorId]);
        await execute(
          m,
          `INSERT INTO vendor_category_counts (vendor_id, category, kind, key, currency, value, n, latest)
           SELECT vendor_id, category, kind, key, currency, value, n, latest FROM figure_rebuild`,
        );
        const categories = (
          await rowsOf<{ category: string }>(
            m,
            `SELECT DISTINCT category FROM vendor_category_counts WHERE vendor_id = $1
             UNION SELECT DISTINCT category FROM vendor_category_medians WHERE vendor_id = $1`,
            [vendorId],
          )
        ).map((r) => r.category);
        await this.medians(m, vendorId, categories);
        await execute(
          m,
          `INSERT INTO vendor_figure_state (vendor_id, basis, rebuilt_at, folded_at) VALUES ($1, $2, now(), now())
           ON CONFLICT (vendor_id) DO UPDATE SET basis = EXCLUDED.basis, rebuilt_at = now(), folded_at = now()`,
          [vendorId, this.basisOf(basis)],
        );
        await runner.commitTransaction();
        return { categories, rows: diff!.rows, drift: diff!.drift };
      } catch (err) {
        await runner.rollbackTransaction();
        throw err;
      }
    } finally {
      await execute(runner.manager, `SELECT pg_advisory_unlock(${LOCK}, hashtext($1::text))`, [
        vendorId,
      ]).catch(() => undefined);
      await runner.release();
    }
  }

  /** Drops the logged changes of deleted vendors (their partitions are gone; nothing folds them). */
  forgetDeletedVendors(): Promise<number> {
    return affectedRows(
      this.db,
      `DELETE FROM catalogue_figure_changes c USING vendor_directory v WHERE v.id = c.vendor_id AND v.status = 'deleted'`,
    );
  }

  /**
   * The vendor's medians in `categories`, read from its metric counts (percentile_cont's median:
   * the mean of the two middle values, or the middle one).
   */
  private async medians(m: EntityManager, vendorId: VendorId, categories: string[]): Promise<void> {
    if (!categories.length) return;
    await execute(m, `DELETE FROM vendor_category_medians WHERE vendor_id = $1 AND category = ANY($2)`, [
      vendorId,
      categories,
    ]);
    await execute(
      m,
      `WITH c AS (
         SELECT category, key, currency, value,
                sum(n) OVER (PARTITION BY category, key, currency ORDER BY value) AS cum,
                sum(n) OVER (PARTITION BY category, key, currency) AS total
           FROM vendor_category_counts
          WHERE vendor_id = $1 AND kind = 'metric' AND category = ANY($2) AND category <> '')
       INSERT INTO vendor_category_medians (vendor_id, category, metric, currency, products, median)
       SELECT $1, category, key, currency, max(total)::int,
              ((min(value) FILTER (WHERE cum > floor((total - 1) / 2.0)))
               + (min(value) FILTER (WHERE cum > ceil((total - 1) / 2.0)))) / 2
         FROM c GROUP BY category, key, currency HAVING max(total) > 0`,
      [vendorId, categories],
    );
  }

  private params(basis: FigureBasis): unknown[] {
    const aliases = allergenAliasPairs(basis.allergens);
    return [aliases.alias, aliases.allergen, BEST_FOR_DIETS];
  }
}
