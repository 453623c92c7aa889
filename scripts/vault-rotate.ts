import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createDataSource } from '#libs/db';
import { KeyRing, VaultRepository, VaultService } from '#libs/vault';
import { configFor, resolveDatabase } from './database.js';

/**
 * `npm run vault:rotate`: re-seals every vault secret with VAULT_MASTER_KEY. Put the old key in
 * VAULT_PREVIOUS_KEYS first; remove it once this reports nothing left under it.
 */
async function main(): Promise<void> {
  const db = await resolveDatabase((line) => console.log(line));
  const config = configFor(db.url);
  const ds = await createDataSource(config, { applicationName: 'vault-rotate', poolMax: 2 }).initialize();
  try {
    const vault = new VaultService(
      KeyRing.fromConfig(config, (m) => new Logger('Vault').warn(m)),
      new VaultRepository(ds),
      ds,
    );
    const { resealed, byKey } = await vault.rotate();
    console.log(
      `re-sealed ${resealed} secrets with key ${vault.currentKeyId}; secrets per key: ${JSON.stringify(byKey)}`,
    );
  } finally {
    await ds.destroy();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
