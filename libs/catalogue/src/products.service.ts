import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhookEventsService } from '#libs/webhooks';
import { AppError, NotFound, Unprocessable, type VendorId } from '#libs/common';
import { uuidV5 } from '#libs/vendors';
import { CatalogueChanges } from './catalogue-changes.js';
import { compareProducts, type ComparedProduct } from './compare.js';
import { ProductsRepository } from './products.repository.js';
import { PRODUCT_FIELDS, productField, type ProductFields, type ProductRow } from './product.types.js';
import { productCodes, type CodeWarning } from './product-codes.js';
import { perServing, type NutrientInput } from './product-units.js';

type FieldsInput = Partial<ProductFields> & NutrientInput & { name: string };

/** A written product, with what its codes needed the writer to know. */
export type WrittenProduct = ProductRow & { warnings: CodeWarning[] };

/**
 * A body's fields as stored: nutrients per serving (units converted, per-100 g values scaled), and
 * allergens and diet tags canonical (diet tags checked against the allergens the product will
 * have: `current` when the body leaves them out).
 */
function storedFields<T extends Partial<ProductFields> & NutrientInput>(
  input: T,
  current: Pick<ProductRow, 'allergens' | 'dietary_tags' | 'serving_size_g'> | null,
): { fields: Partial<ProductFields>; warnings: CodeWarning[] } {
  const { energy_kj: _kj, salt_g: _salt, sodium_g: _na, potassium_g: _k, ...rest } = input;
  const converted = perServing(input, current?.serving_size_g ?? null);
  const fields: Partial<ProductFields> = { ...rest, ...converted.nutrients };
  if (converted.serving_size_g !== undefined) fields.serving_size_g = converted.serving_size_g;
  let warnings: CodeWarning[] = [];
  if (input.allergens !== undefined || input.dietary_tags !== undefined) {
    const codes = productCodes(
      input.allergens ?? current?.allergens ?? [],
      input.dietary_tags ?? current?.dietary_tags ?? [],
    );
    fields.allergens = codes.allergens;
    fields.dietary_tags = codes.dietary_tags;
    warnings = codes.warnings;
  }
  return { fields, warnings };
}

/** What a create or full replace leaves out: the catalogue's default of the field, or null. */
const DEFAULTS = Object.fromEntries(
  PRODUCT_FIELDS.filter((f) => f !== 'name').map((f) => [f, productField(f).default ?? null]),
) as Omit<ProductFields, 'name'>;

/** Fills what a create or full replace leaves out (or sends as null where the field has a default). */
function complete(input: FieldsInput): ProductFields {
  const out: Record<string, unknown> = { ...structuredClone(DEFAULTS), ...input };
  for (const [f, d] of Object.entries(DEFAULTS)) if (d !== null) out[f] = out[f] ?? structuredClone(d);
  return out as unknown as ProductFields;
}

@Injectable()
export class ProductsService {
  constructor(
    private readonly db: DataSource,
    private readonly products: ProductsRepository,
    private readonly webhooks: WebhookEventsService,
    private readonly changes: CatalogueChanges,
  ) {}

  /** Create, or update in place when the external id exists (its id is the same either way). */
  async upsert(vendorId: VendorId, input: FieldsInput & { external_id: string }) {
    const { external_id, ...given } = input;
    const { fields, warnings } = storedFields(complete(given), null);
    const { product, created } = await this.products.upsert(vendorId, external_id, fields as ProductFields);
    await this.changes.changed(vendorId);
    return { ...product, created, warnings };
  }

  async get(vendorId: VendorId, id: string): Promise<ProductRow> {
    const product = await this.products.findById(vendorId, id);
    if (!product) throw new NotFound('Product', 'product_not_found');
    return product;
  }

  /** PUT: every field replaced (omitted ones reset to their defaults). */
  async replace(
    vendorId: VendorId,
    id: string,
    input: FieldsInput & { external_id?: string },
  ): Promise<WrittenProduct> {
    const { external_id, ...given } = input;
    if (external_id !== undefined && uuidV5(vendorId, external_id) !== id) {
      throw new Unprocessable(
        'external_id does not belong to this product (the id is derived from it and cannot change)',
        'external_id_mismatch',
      );
    }
    const { fields, warnings } = storedFields(complete(given), null);
    return this.changed(vendorId, await this.products.update(vendorId, id, fields), warnings);
  }

  /**
   * PATCH: only the fields sent. Diet tags are checked against the allergens the product will have,
   * and per-100 g nutrients scaled by its serving size, so those read the current row first.
   */
  async patch(
    vendorId: VendorId,
    id: string,
    given: Partial<ProductFields> & NutrientInput,
  ): Promise<WrittenProduct> {
    const needsCurrent =
      given.allergens !== undefined ||
      given.dietary_tags !== undefined ||
      given.nutrient_basis === 'per_100g';
    const current = needsCurrent ? await this.get(vendorId, id) : null;
    const { fields, warnings } = storedFields(given, current);
    return this.changed(vendorId, await this.products.update(vendorId, id, fields), warnings);
  }

  /** Deletes a product and emits `product.deleted` to subscribed webhooks in the same transaction. */
  async delete(vendorId: VendorId, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const externalId = await this.products.delete(m, vendorId, id);
      if (externalId === null) throw new NotFound('Product', 'product_not_found');
      await this.webhooks.emit(m, vendorId, 'product.deleted', { product_id: id, external_id: externalId });
    });
    await this.changes.changed(vendorId);
  }

  /** Side by side; any id not in this vendor's catalogue is a 404 naming the missing ids. */
  async compare(vendorId: VendorId, ids: string[]): Promise<{ products: ComparedProduct[] }> {
    const rows = await this.products.findMany(vendorId, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new AppError(
        404,
        'product_not_found',
        'Some products were not found',
        missing.map((id) => ({ field: 'ids', message: 'not found', id })),
      );
    }
    return { products: compareProducts(ids.map((id) => byId.get(id)!)) };
  }

  private async changed(
    vendorId: VendorId,
    product: ProductRow | null,
    warnings: CodeWarning[],
  ): Promise<WrittenProduct> {
    if (!product) throw new NotFound('Product', 'product_not_found');
    await this.changes.changed(vendorId);
    return { ...product, warnings };
  }
}
