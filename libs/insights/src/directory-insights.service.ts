import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { NotFound } from '#libs/common';
import { ReplicaReader, freshnessOf } from '#libs/db';
import { publicVendorView } from '#libs/vendors';
import { DirectoryStatsRepository, type VendorWithFigures } from './directory-stats.repository.js';
import type { CatalogueFigures } from './insights.types.js';
import type {
  CatalogueFiguresView,
  CompareVendorsView,
  ComparedVendorView,
  VendorCatalogueView,
} from './insights.dto.js';

/** The public directory's derived side: a vendor's catalogue figures, and vendors side by side. */
@Injectable()
export class DirectoryInsightsService {
  constructor(
    private readonly stats: DirectoryStatsRepository,
    private readonly replica: ReplicaReader,
    private readonly config: AppConfig,
  ) {}

  /**
   * 2–5 active vendors side by side, in the order asked, with their derived figures and — given a
   * diet type and/or allergens — how many of each one's products fit them. Read from a replica.
   */
  async compare(q: {
    slugs: string[];
    diet_type?: string;
    allergens?: string[];
  }): Promise<CompareVendorsView> {
    const wantFit = q.diet_type !== undefined || (q.allergens?.length ?? 0) > 0;
    const fit = wantFit ? { dietType: q.diet_type, allergens: q.allergens ?? [] } : undefined;
    const { result, source } = await this.replica.read((run) => this.stats.bySlugs(run, q.slugs, fit));
    const bySlug = new Map(result.map((v) => [v.slug, v]));
    const missing = q.slugs.filter((s) => !bySlug.has(s));
    if (missing.length) throw new NotFound(`Vendor ${missing.join(', ')}`, 'vendor_not_found');
    return {
      data: q.slugs.map((s) => comparedView(bySlug.get(s)!, wantFit ? q : null)),
      ...freshnessOf(source, this.config.search.replicaStaleAfterMs),
    };
  }

  /** One active vendor's derived catalogue figures. */
  async catalogue(slug: string): Promise<VendorCatalogueView> {
    const { result, source } = await this.replica.read((run) => this.stats.bySlugs(run, [slug]));
    const vendor = result[0];
    if (!vendor) throw new NotFound('Vendor', 'vendor_not_found');
    return {
      slug,
      catalogue: vendor.figures && figuresView(vendor.figures),
      ...freshnessOf(source, this.config.search.replicaStaleAfterMs),
    };
  }
}

function comparedView(
  v: VendorWithFigures,
  fit: { diet_type?: string; allergens?: string[] } | null,
): ComparedVendorView {
  return {
    ...publicVendorView(v),
    catalogue: v.figures && figuresView(v.figures),
    fit:
      fit && v.figures
        ? { diet_type: fit.diet_type ?? null, allergens: fit.allergens ?? [], products: v.fitProducts }
        : null,
  };
}

function figuresView(f: Omit<CatalogueFigures, 'diet_fit'>): CatalogueFiguresView {
  return {
    product_count: f.product_count,
    categories: f.categories,
    dietary_tag_share: f.dietary_tag_share,
    allergen_free_share: f.allergen_free_share,
    protein_price: f.protein_price.map((p) => ({
      category: p.category,
      currency: p.currency,
      median_price_per_10g_protein_cents: p.median_cents,
      products: p.products,
    })),
    catalogue_updated_at: f.catalogue_updated_at,
    computed_at: f.computed_at,
  };
}
