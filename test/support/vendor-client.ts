import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';

export const ADMIN_KEY = 'admin-key-for-tests-0123456789';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls the api as one vendor credential; mutations get a fresh Idempotency-Key unless given. */
export class VendorClient {
  constructor(
    private readonly app: NestFastifyApplication,
    readonly token: string,
    readonly vendorId: string,
  ) {}

  request(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const mutating = method === 'POST' || method === 'PUT' || method === 'PATCH';
    return this.app.inject({
      method,
      url: `/api/v1${path}`,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(mutating ? { 'idempotency-key': randomUUID() } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  }

  as(token: string): VendorClient {
    return new VendorClient(this.app, token, this.vendorId);
  }
}

export async function createVendor(
  app: NestFastifyApplication,
  slug: string,
  extra: Record<string, unknown> = {},
): Promise<{ client: VendorClient; vendorId: string; keyId: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/vendors',
    headers: { 'x-admin-key': ADMIN_KEY },
    payload: { slug, name: `Vendor ${slug}`, category: 'grocery', ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`create vendor ${slug}: ${res.statusCode} ${res.body}`);
  const { vendor, api_key } = res.json();
  return { client: new VendorClient(app, api_key.key, vendor.id), vendorId: vendor.id, keyId: api_key.id };
}

export function vendorJwt(
  secret: string,
  claims: Record<string, unknown>,
  expiresIn: string | number = '10m',
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

export const product = (externalId: string, fields: Record<string, unknown> = {}) => ({
  external_id: externalId,
  name: `Product ${externalId}`,
  category: 'bars',
  price_cents: 250,
  calories: 200,
  protein_g: 20,
  fat_g: 8,
  carbs_g: 15,
  sugar_g: 3,
  sodium_mg: 150,
  serving_size_g: 50,
  dietary_tags: ['vegetarian'],
  allergens: ['milk'],
  ...fields,
});
