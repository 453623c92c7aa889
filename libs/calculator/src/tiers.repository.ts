import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { PaymentTier } from './calculator.entities.js';

/** What a tier's features promise (features is jsonb so the business can add keys). */
interface TierFeatures {
  sections: number[];
  report_expiry_days: number;
  revisions: number;
}

/** A tier as the code uses it: its row with the promised features lifted out. */
export type Tier = Pick<PaymentTier, 'code' | 'name' | 'price_cents' | 'currency'> &
  TierFeatures & { features: Record<string, unknown> };

/** The object form of `select` (TypeORM 1 dropped the array form). */
const COLUMNS = {
  code: true,
  name: true,
  price_cents: true,
  currency: true,
  features: true,
} as const satisfies Partial<Record<keyof PaymentTier, true>>;

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

  private tiers(): Repository<PaymentTier> {
    return this.db.getRepository(PaymentTier);
  }

  async listActive(): Promise<Tier[]> {
    const rows = await this.tiers().find({
      select: COLUMNS,
      where: { active: true },
      order: { sort_order: 'ASC' },
    });
    return rows.map((r) => toTier(r as TierRow));
  }

  async findActive(code: string): Promise<Tier | null> {
    const row = await this.tiers().findOne({ select: COLUMNS, where: { code, active: true } });
    return row ? toTier(row as TierRow) : null;
  }

  async findByCode(code: string): Promise<Tier | null> {
    const row = await this.tiers().findOne({ select: COLUMNS, where: { code } });
    return row ? toTier(row as TierRow) : null;
  }
}
