import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface Tier {
  code: string;
  name: string;
  price_cents: number;
  currency: string;
  sections: number[];
  report_expiry_days: number;
  revisions: number;
  features: Record<string, unknown>;
}

interface TierRow {
  code: string;
  name: string;
  price_cents: number;
  currency: string;
  features: { sections: number[]; report_expiry_days: number; revisions: number } & Record<string, unknown>;
}

const toTier = (r: TierRow): Tier => ({
  code: r.code,
  name: r.name,
  price_cents: r.price_cents,
  currency: r.currency,
  sections: r.features.sections,
  report_expiry_days: r.features.report_expiry_days,
  revisions: r.features.revisions,
  features: r.features,
});

/** Payment tiers live in the database (features as JSONB) so the business can change them. */
@Injectable()
export class TiersRepository {
  constructor(private readonly db: DataSource) {}

  async listActive(): Promise<Tier[]> {
    const rows: TierRow[] = await this.db.query(
      `SELECT code, name, price_cents, currency, features FROM payment_tiers WHERE active ORDER BY sort_order`,
    );
    return rows.map(toTier);
  }

  async findActive(code: string): Promise<Tier | null> {
    const rows: TierRow[] = await this.db.query(
      `SELECT code, name, price_cents, currency, features FROM payment_tiers WHERE code = $1 AND active`,
      [code],
    );
    return rows[0] ? toTier(rows[0]) : null;
  }
}
