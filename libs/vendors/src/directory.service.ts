import { Injectable } from '@nestjs/common';
import { NotFound, paginate } from '#libs/common';
import { VendorsRepository, type VendorRow } from './vendors.repository.js';
import type { CategoryView, PublicVendorView, VendorPageView } from './vendors.dto.js';
import { publicVendorView } from './views.js';

type Cursor = { n: string; i: string };
const isCursor = (v: unknown): v is Cursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Cursor).n === 'string' &&
  typeof (v as Cursor).i === 'string' &&
  /^[0-9a-f-]{36}$/.test((v as Cursor).i);

/** The public vendor directory (seed 004): active vendors only. */
@Injectable()
export class DirectoryService {
  constructor(private readonly vendors: VendorsRepository) {}

  async list(q: { category?: string; q?: string; limit?: number; cursor?: string }): Promise<VendorPageView> {
    return paginate(
      { limit: q.limit ?? 20, cursor: q.cursor },
      { isValid: isCursor, of: (row: VendorRow) => ({ n: row.name, i: row.id }) },
      (after, limit) =>
        this.vendors.listDirectory({
          category: q.category,
          q: q.q,
          limit,
          after: after && { name: after.n, id: after.i },
        }),
      publicVendorView,
    );
  }

  async get(slug: string): Promise<PublicVendorView> {
    const vendor = await this.vendors.findActiveBySlug(slug);
    if (!vendor) throw new NotFound('Vendor', 'vendor_not_found');
    return publicVendorView(vendor);
  }

  categories(): Promise<CategoryView[]> {
    return this.vendors.categories();
  }
}
