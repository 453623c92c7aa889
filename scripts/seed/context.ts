import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '#libs/config';
import { ENTITIES } from '#libs/schema';
import { DbModule } from '#libs/db';
import { VendorsModule, VendorsService } from '#libs/vendors';
import type { Actor } from '#libs/audit';
import { asVendorId, type VendorId } from '#libs/common';

@Module({})
class SeedModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SeedModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule.forRoot('seed', { entities: ENTITIES }),
        VendorsModule,
      ],
    };
  }
}

export const SEED_ACTOR: Actor = {
  id: 'seed-script',
  role: 'platform_admin',
  vendorId: null,
  ip: null,
  userAgent: null,
};

/** A small Nest context with the vendor services, so seeding goes through the same code as the api. */
export async function seedContext(config: AppConfig): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(SeedModule.forRoot(config), { logger: ['error', 'warn'] });
}

/** The vendor with this slug, created (with partitions and a first key) when missing. */
export async function ensureVendor(
  ctx: INestApplicationContext,
  profile: { slug: string; name: string; category: string; description?: string },
): Promise<{ id: VendorId; created: boolean; apiKey: string }> {
  const service = ctx.get(VendorsService);
  const existing = await service.findBySlug(profile.slug);
  if (existing && existing.status !== 'deleted') {
    const issued = await service.issueKey(SEED_ACTOR, existing.id, {
      name: 'seed script key',
      role: 'admin',
    });
    return { id: asVendorId(existing.id), created: false, apiKey: issued.secret };
  }
  const { vendor, apiKey } = await service.create(SEED_ACTOR, profile);
  return { id: asVendorId(vendor.id), created: true, apiKey: apiKey.secret };
}
