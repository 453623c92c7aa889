import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '#libs/config';

export interface MasterKey {
  /** First 16 hex characters of SHA-256(key): names the key without revealing it. */
  id: string;
  key: Buffer;
}

export function parseMasterKey(value: string): MasterKey {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('A vault master key must be 32 bytes (64 hex characters or base64)');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** The current master key (seals) and the previous ones (only open, until rotated away). */
export class KeyRing {
  private readonly byId: Map<string, MasterKey>;

  constructor(
    readonly current: MasterKey,
    previous: MasterKey[] = [],
  ) {
    this.byId = new Map([...previous, current].map((k) => [k.id, k]));
  }

  find(id: string): MasterKey | undefined {
    return this.byId.get(id);
  }

  /**
   * From the configuration. Without VAULT_MASTER_KEY (refused in production by the config) a
   * development key is generated once into DATA_DIR/vault-master.key and reused.
   */
  static fromConfig(config: AppConfig, warn: (msg: string) => void): KeyRing {
    const previous = config.secrets.vaultPreviousKeys.map(parseMasterKey);
    if (config.secrets.vaultMasterKey)
      return new KeyRing(parseMasterKey(config.secrets.vaultMasterKey), previous);
    if (config.env === 'production') throw new Error('VAULT_MASTER_KEY is required in production');
    const file = path.resolve(config.dataDir, 'vault-master.key');
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    warn(
      `VAULT_MASTER_KEY is not set: using the development key in ${file}. Set VAULT_MASTER_KEY (32 random bytes, hex) outside development.`,
    );
    return new KeyRing(parseMasterKey(readFileSync(file, 'utf8').trim()), previous);
  }
}
