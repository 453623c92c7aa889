import { Injectable, Logger } from '@nestjs/common';
import { errors as joseErrors, jwtVerify } from 'jose';
import { AppConfig, DEV_JWT_SECRET } from '#libs/config';
import { Forbidden, Unauthorized, sha256Hex, asVendorId, UUID_PATTERN } from '#libs/common';
import { ApiKeysRepository } from '../api-keys.repository.js';
import { VendorsRepository, type VendorStatus } from '../vendors.repository.js';
import { API_KEY_PREFIX } from '../api-keys.service.js';
import { CredentialCache } from './credential-cache.js';
import { VENDOR_ROLES, type VendorPrincipal, type VendorRole } from './principal.js';

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Turns a bearer credential into a VendorPrincipal: a `vk_` API key (looked up by its SHA-256) or an
 * HS256 JWT signed with JWT_SECRET carrying `vendor_id` and `role` (top level, or in `app_metadata`
 * as Supabase Auth puts custom claims). What the database says about a key or a vendor is kept in
 * the CredentialCache, which every revocation, role change and suspension clears at once.
 */
@Injectable()
export class VendorAuthService {
  private readonly jwtKey: Uint8Array;
  private readonly maxLifetime: number;

  constructor(
    config: AppConfig,
    private readonly keys: ApiKeysRepository,
    private readonly vendors: VendorsRepository,
    private readonly cache: CredentialCache,
  ) {
    this.jwtKey = new TextEncoder().encode(config.secrets.jwtSecret);
    this.maxLifetime = config.secrets.jwtMaxLifetimeSeconds;
    if (config.secrets.jwtSecret === DEV_JWT_SECRET) {
      new Logger(VendorAuthService.name).warn(
        'JWT_SECRET is not set: vendor JWTs are checked with the public development secret, so anyone can forge one. Set JWT_SECRET (32+ random characters) outside development.',
      );
    }
  }

  async authenticate(bearer: string, ctx: RequestContext): Promise<VendorPrincipal> {
    return bearer.startsWith(API_KEY_PREFIX) ? this.byApiKey(bearer, ctx) : this.byJwt(bearer, ctx);
  }

  private async byApiKey(secret: string, ctx: RequestContext): Promise<VendorPrincipal> {
    if (secret.length > 100) throw new Unauthorized('Invalid API key', 'invalid_api_key');
    const hash = sha256Hex(secret);
    const row = await this.cache.get(
      `key\n${hash}`,
      () => this.keys.findForAuthentication(hash),
      (found) => found.vendor_id,
    );
    if (!row) throw new Unauthorized('Invalid API key', 'invalid_api_key');
    if (row.revoked_at) throw new Unauthorized('This API key has been revoked', 'api_key_revoked');
    assertActive(row.vendor_status);
    return {
      id: `key:${row.id}`,
      role: row.role,
      vendorId: asVendorId(row.vendor_id),
      via: 'api_key',
      keyId: row.id,
      ...ctx,
    };
  }

  private async byJwt(token: string, ctx: RequestContext): Promise<VendorPrincipal> {
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, this.jwtKey, {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        clockTolerance: 5,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired)
        throw new Unauthorized('The token has expired', 'token_expired');
      throw new Unauthorized('Invalid bearer token', 'invalid_token');
    }
    this.assertLifetime(claims);
    const meta = (typeof claims.app_metadata === 'object' && claims.app_metadata) || {};
    const vendorId = claims.vendor_id ?? (meta as Record<string, unknown>).vendor_id;
    const role = VENDOR_ROLES.includes(claims.role as VendorRole)
      ? (claims.role as VendorRole)
      : ((meta as Record<string, unknown>).role as VendorRole | undefined);
    if (typeof vendorId !== 'string' || !UUID_PATTERN.test(vendorId))
      throw new Unauthorized('The token carries no vendor_id claim', 'invalid_token');
    if (!role || !VENDOR_ROLES.includes(role))
      throw new Unauthorized(
        `The token's role claim must be one of ${VENDOR_ROLES.join(', ')}`,
        'invalid_token',
      );
    const status = await this.cache.get(
      `vendor\n${vendorId}`,
      () => this.vendors.statusOf(vendorId),
      () => vendorId,
    );
    if (!status) throw new Unauthorized('Unknown vendor', 'invalid_token');
    assertActive(status);
    const sub = typeof claims.sub === 'string' ? claims.sub.slice(0, 200) : 'unknown';
    return { id: `user:${sub}`, role, vendorId: asVendorId(vendorId), via: 'jwt', keyId: null, ...ctx };
  }

  /** A stolen long-lived token is a standing credential: exp − iat and exp − now are bounded. */
  private assertLifetime(claims: Record<string, unknown>): void {
    const exp = claims.exp as number;
    const now = Math.floor(Date.now() / 1000);
    const iat = typeof claims.iat === 'number' ? claims.iat : null;
    if ((iat !== null && exp - iat > this.maxLifetime) || exp - now > this.maxLifetime) {
      throw new Unauthorized(
        `The token lives longer than the ${this.maxLifetime} s allowed (JWT_MAX_LIFETIME_SECONDS)`,
        'token_lifetime_too_long',
      );
    }
  }
}

function assertActive(status: VendorStatus): void {
  if (status === 'suspended') throw new Forbidden('This vendor account is suspended', 'vendor_suspended');
  if (status === 'deleted') throw new Unauthorized('This vendor account no longer exists', 'vendor_deleted');
}
