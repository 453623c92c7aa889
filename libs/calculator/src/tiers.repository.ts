import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf, type PaymentTier } from '#libs/db';

/** What a tier's features promise (features is jsonb so the business can add keys). */
interface TierFeatures {
  sections: number[];
  report_expiry_days: number;
  revisions: number;
}

/** A tier as the code uses it: its row with the promised features lifted out. */
export type Tier = Pick<PaymentTier, 'code' | 'name' | 'price_cents' | 'currency'> &
  TierFeatures & { features: Record<string, unknown> };

type TierRow = Pick<PaymentTier, 'code' | 'name' | 'price_cents' | 'currency'> & {
  features: TierFeatures & Record<string, unknown>;
};

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
    const rows = await rowsOf<TierRow>(
      this.db,
      `SELECT code, name, price_cents, currency, features FROM payment_tiers WHERE active ORDER BY sort_order`,
    );
    return rows.map(toTier);
  }

  async findActive(code: string): Promise<Tier | null> {
    const rows = await rowsOf<TierRow>(
      this.db,
      `SELECT code, name, price_cents, currency, features FROM payment_tiers WHERE code = $1 AND active`,
      [code],
    );
    return rows[0] ? toTier(rows[0]) : null;
  }
}
