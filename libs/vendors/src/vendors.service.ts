import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import { QueueService } from '#libs/queue';
import { Conflict, NotFound, asVendorId } from '#libs/common';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService, type IssuedKey } from './api-keys.service.js';
import type { VendorRole } from './auth/principal.js';
import { CredentialCache } from './auth/credential-cache.js';
import {
  VendorsRepository,
  type VendorProfile,
  type VendorRow,
  type VendorStatus,
} from './vendors.repository.js';

const vendorAudit = (v: VendorRow) => ({
  slug: v.slug,
  name: v.name,
  category: v.category,
  status: v.status,
  website: v.website,
  delivery_regions: v.delivery_regions,
  best_for: v.best_for,
  price_level: v.price_level,
});

/** Tenant lifecycle, run by the platform admin: create (with partitions and a first key), update, suspend, delete. */
@Injectable()
export class VendorsService {
  constructor(
    private readonly db: DataSource,
    private readonly vendors: VendorsRepository,
    private readonly keys: ApiKeysService,
    private readonly keyRows: ApiKeysRepository,
    private readonly audit: AuditService,
    private readonly queue: QueueService,
    private readonly credentials: CredentialCache,
  ) {}

  /**
   * One transaction: the vendor row, its 16 product and 32 customer hash partitions, and a first
   * admin API key. A slug already taken is a 409 and creates nothing.
   */
  create(admin: Actor, profile: VendorProfile): Promise<{ vendor: VendorRow; apiKey: IssuedKey }> {
    return this.db.transaction(async (m) => {
      const vendor = await this.vendors.insertWithPartitions(m, profile);
      if (!vendor) throw new Conflict(`The slug "${profile.slug}" is taken`, 'slug_taken');
      const actor = { ...admin, vendorId: vendor.id };
      await this.audit.record(
        actor,
        { action: 'vendor.created', entity: 'vendor', entityId: vendor.id, after: vendorAudit(vendor) },
        m,
      );
      const apiKey = await this.keys.issue(
        actor,
        asVendorId(vendor.id),
        { name: 'first admin key', role: 'admin' },
        m,
      );
      return { vendor, apiKey };
    });
  }

  /** The vendor with this slug, in any status (platform use: seeding, support). */
  findBySlug(slug: string): Promise<VendorRow | null> {
    return this.vendors.findBySlug(slug);
  }

  async get(id: string): Promise<VendorRow> {
    const vendor = await this.vendors.findById(id);
    if (!vendor || vendor.status === 'deleted') throw new NotFound('Vendor', 'vendor_not_found');
    return vendor;
  }

  update(admin: Actor, id: string, change: Partial<Omit<VendorProfile, 'slug'>>): Promise<VendorRow> {
    return this.transition(admin, id, 'vendor.updated', () => change);
  }

  /** The vendor's own admin edits its directory entry (only the fields UpdateDirectoryProfileDto allows). */
  updateDirectoryProfile(
    actor: Actor,
    id: string,
    change: Partial<
      Pick<
        VendorProfile,
        'description' | 'website' | 'logo_url' | 'delivery_regions' | 'best_for' | 'price_level'
      >
    >,
  ): Promise<VendorRow> {
    return this.transition(actor, id, 'vendor.directory_profile_updated', () => change);
  }

  suspend(admin: Actor, id: string): Promise<VendorRow> {
    return this.transition(admin, id, 'vendor.suspended', () => ({ status: 'suspended' as VendorStatus }));
  }

  reactivate(admin: Actor, id: string): Promise<VendorRow> {
    return this.transition(admin, id, 'vendor.reactivated', () => ({ status: 'active' as VendorStatus }));
  }

  /** Deletes the vendor's data (drops its partitions), revokes its keys; the row stays as a tombstone. */
  delete(admin: Actor, id: string): Promise<VendorRow> {
    return this.transition(admin, id, 'vendor.deleted', async (m) => {
      await this.vendors.dropPartitions(m, id);
      await this.keyRows.revokeAll(m, asVendorId(id), admin.id);
      return { status: 'deleted' as VendorStatus };
    });
  }

  /** The platform admin issues a key (e.g. when a vendor has locked itself out). */
  async issueKey(admin: Actor, id: string, k: { name: string; role: VendorRole }): Promise<IssuedKey> {
    const vendor = await this.get(id);
    return this.keys.issue({ ...admin, vendorId: vendor.id }, asVendorId(vendor.id), k);
  }

  private transition(
    admin: Actor,
    id: string,
    action: string,
    change: (
      m: EntityManager,
    ) =>
      | Promise<Partial<Omit<VendorProfile, 'slug'>> & { status?: VendorStatus }>
      | (Partial<Omit<VendorProfile, 'slug'>> & { status?: VendorStatus }),
  ): Promise<VendorRow> {
    // a status change (or deletion's revoked keys) authenticates differently from now on
    return this.credentials.changing(id, () =>
      this.db.transaction(async (m) => {
        const before = await this.vendors.lock(m, id);
        if (!before || before.status === 'deleted') throw new NotFound('Vendor', 'vendor_not_found');
        const after = await this.vendors.update(m, id, await change(m));
        // benchmarks are taken across active vendors: one leaving or coming back changes them now,
        // not at the next unrelated rebuild
        if (after.status !== before.status)
          await this.queue.send('insights.rebuild-benchmarks', {}, { manager: m });
        await this.audit.record(
          { ...admin, vendorId: id },
          { action, entity: 'vendor', entityId: id, before: vendorAudit(before), after: vendorAudit(after) },
          m,
        );
        return after;
      }),
    );
  }
}
