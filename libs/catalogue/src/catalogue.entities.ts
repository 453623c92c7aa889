import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VendorId } from '#libs/db';
import { NUTRIENTS, type Nutrients } from './nutrients.js';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const NUTRIENT_BASES = ['per_serving', 'per_100g'] as const;

/** One `real` column per nutrient (nutrients.ts declares them; the products entity extends this). */
function nutrientColumns(): new () => Nutrients {
  class NutrientColumns {}
  for (const n of NUTRIENTS) Column({ type: 'real', nullable: true })(NutrientColumns.prototype, n);
  return NutrientColumns as new () => Nutrients;
}

@Entity('products')
export class Product extends nutrientColumns() {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  external_id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  brand!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ type: 'integer', nullable: true })
  price_cents!: number | null;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'real', nullable: true })
  serving_size_g!: number | null;

  /** The basis the nutrients were given in (they are stored per serving either way). */
  @Column({ type: 'text', enum: NUTRIENT_BASES })
  nutrient_basis!: (typeof NUTRIENT_BASES)[number];

  @Column({ type: 'text', array: true })
  dietary_tags!: string[];

  @Column({ type: 'text', array: true })
  allergens!: string[];

  @Column({ type: 'text', nullable: true })
  ingredients!: string | null;

  @Column({ type: 'text', nullable: true })
  gtin!: string | null;

  @Column({ type: 'boolean' })
  in_stock!: boolean;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;

  /**
   * Digest of the CSV line the product was last written from (ingestion); cleared by a trigger on
   * any other update. A re-ingest skips lines whose digest the product still carries.
   */
  @Column({ type: 'uuid', nullable: true, select: false })
  source_digest!: string | null;

  /** Generated (STORED) by the database from name, brand, category, description, ingredients: read-only. */
  @Column({ type: 'tsvector', nullable: true, insert: false, update: false })
  search_tsv!: string | null;

  /** Generated (STORED) by the database from name, brand and category: read-only. */
  @Column({ type: 'tsvector', nullable: true, insert: false, update: false })
  title_tsv!: string | null;
}
