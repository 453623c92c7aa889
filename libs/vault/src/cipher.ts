import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from './key-ring.js';

export interface Sealed {
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

/**
 * AES-256-GCM with a random 96-bit nonce per seal. The secret's id is the additional
 * authenticated data, so a ciphertext copied onto another row does not open.
 */
export function seal(key: MasterKey, secretId: string, plaintext: string): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce);
  cipher.setAAD(Buffer.from(`vault:${secretId}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: key.id, nonce, ciphertext, authTag: cipher.getAuthTag() };
}

export function open(key: MasterKey, secretId: string, sealed: Sealed): string {
  const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.nonce);
  decipher.setAAD(Buffer.from(`vault:${secretId}`));
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
}
