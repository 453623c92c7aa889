import { createHash } from 'node:crypto';
import { UUID_PATTERN } from '#libs/common';

/**
 * RFC 4122 name-based UUID, version 5 (SHA-1): the same value as Postgres's
 * `uuid_generate_v5(namespace, name)`. A product's or customer's id is
 * `uuidV5(vendor_id, external_id)`, so an upsert by external id is an upsert by primary key.
 */
export function uuidV5(namespace: string, name: string): string {
  if (!UUID_PATTERN.test(namespace)) throw new Error(`uuidV5: namespace must be a UUID, got ${namespace}`);
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
