import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '#libs/config';
import { ENTITIES } from '#libs/schema';
import { DbModule } from '#libs/db';
import { VaultModule, VaultService } from '#libs/vault';
import { configFor, resolveDatabase } from './database.js';

/**
 * `npm run vault:rotate`: re-seals every vault secret with VAULT_MASTER_KEY. Put the old key in
 * VAULT_PREVIOUS_KEYS first; remove it once this reports nothing left under it.
 */
async function main(): Promise<void> {
  const db = await resolveDatabase((line) => console.log(line));
  const config = configFor(db.url);
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      DbModule.forRoot('vault-rotate', { entities: ENTITIES }),
      VaultModule,
    ],
  })
  class RotateModule {}
  const ctx = await NestFactory.createApplicationContext(RotateModule, { logger: ['error', 'warn'] });
  try {
    const vault = ctx.get(VaultService);
    const { resealed, byKey } = await vault.rotate();
    console.log(
      `re-sealed ${resealed} secrets with key ${vault.currentKeyId}; secrets per key: ${JSON.stringify(byKey)}`,
    );
  } finally {
    await ctx.close();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
