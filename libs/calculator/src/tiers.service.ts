import { Injectable } from '@nestjs/common';
import { ValidationFailed } from '#libs/common';
import { TiersRepository, type Tier } from './tiers.repository.js';

/**
 * Payment tiers as the rest of the system reads them (the calculator's pricing step, checkout and
 * report generation); TiersRepository is the only code that reads payment_tiers.
 */
@Injectable()
export class TiersService {
  constructor(private readonly tiers: TiersRepository) {}

  listActive(): Promise<Tier[]> {
    return this.tiers.listActive();
  }

  /** A tier that can be bought now, or a 422 naming the field. */
  async activeOrFail(code: string): Promise<Tier> {
    const tier = await this.tiers.findActive(code);
    if (!tier)
      throw new ValidationFailed(
        'Unknown tier',
        [{ field: 'tier', message: `no active tier "${code}"` }],
        'unknown_tier',
      );
    return tier;
  }

  /** The tier a report was bought at, still there if it has been withdrawn from sale since. */
  byCode(code: string): Promise<Tier | null> {
    return this.tiers.findByCode(code);
  }
}
