import { AsyncLocalStorage } from 'node:async_hooks';

/** The role the api's sessions run as (row-level security applies to it) and the cross-vendor one. */
export const APP_ROLE = 'nrp_app';
export const PLATFORM_ROLE = 'nrp_platform';

/**
 * Whose rows the current database work may see: one vendor's (row-level security keyed on
 * `app.vendor_id`), or every vendor's for a named platform path (API-key authentication, the
 * platform admin). Carried through the async call chain of a request, so the database's wall does
 * not depend on every repository remembering its `WHERE vendor_id`.
 */
export type DbScope = { kind: 'vendor'; vendorId: string } | { kind: 'platform' };

const scope = new AsyncLocalStorage<DbScope>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `fn` with the database scoped to one vendor's rows. */
export function withVendorScope<T>(vendorId: string, fn: () => T): T {
  if (!UUID.test(vendorId)) throw new Error('a vendor scope needs a vendor id (uuid)');
  return scope.run({ kind: 'vendor', vendorId }, fn);
}

/** Runs `fn` as the platform: every vendor's rows (only for paths that are cross-vendor by nature). */
export function withPlatformScope<T>(fn: () => T): T {
  return scope.run({ kind: 'platform' }, fn);
}

export function currentDbScope(): DbScope | undefined {
  return scope.getStore();
}

/** What a session is set to: role and vendor. A new session is `nrp_app` with no vendor. */
const NONE = `${APP_ROLE}|`;
const keyOf = (s: DbScope | undefined) =>
  !s ? NONE : s.kind === 'vendor' ? `${APP_ROLE}|${s.vendorId}` : `${PLATFORM_ROLE}|`;

interface PgClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Per pooled connection: the scope it is set to, so a connection serving one vendor is set once. */
const sessionScope = new WeakMap<PgClient, string>();

/**
 * Brings a connection to `want` (a scope key captured when the connection was asked for), in one
 * statement at most (none when it already serves that scope): `set_config('role', …)` and
 * `set_config('app.vendor_id', …)` at session level. A pooled connection is handed out between
 * transactions, so the setting is committed at once and the cache stays true.
 */
async function ensureScope(client: PgClient, want: string): Promise<void> {
  if ((sessionScope.get(client) ?? NONE) === want) return;
  const [role, vendor] = want.split('|') as [string, string];
  sessionScope.delete(client); // unknown until it succeeds
  await client.query(`SELECT set_config('role', $1, false), set_config('app.vendor_id', $2, false)`, [
    role,
    vendor,
  ]);
  sessionScope.set(client, want);
}

/**
 * What the scoped DataSource's pool does with each connection it hands out (pg-driver.ts): the
 * session is set to the request's vendor, to the platform role, or back to `nrp_app` with no vendor
 * before the caller's first statement. Without a scope a session sees no vendor rows at all.
 */
export const scopedConnections = {
  capture: (): string => keyOf(scope.getStore()),
  prepare: (client: PgClient, want: unknown): Promise<void> => ensureScope(client, want as string),
};
