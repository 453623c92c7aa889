import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type pg from 'pg';
import { AppConfig } from '#libs/config';
import { resilientClient } from '#libs/db';
import { counter } from '#libs/metrics';

/** The channel the credential triggers notify on, with the vendor id as payload (migration 1795222700000). */
export const CREDENTIALS_CHANNEL = 'credentials_changed';
/** Entries kept at most; the oldest go first past it. */
const MAX_ENTRIES = 10_000;
/** After a lost listening connection, how long to wait before trying again. */
const RECONNECT_DELAY_MS = 1_000;

const lookups = counter(
  'vendor_auth_lookups_total',
  'Vendor credential checks (API key, vendor status) answered from the per-process cache or by the database',
  ['source'],
);

interface Entry {
  value: unknown;
  vendorId: string;
  expires: number;
}

/**
 * What authentication learns from the database, kept per api process for AUTH_CACHE_SECONDS: the
 * key behind an API key's hash (its vendor, role, revocation and the vendor's status) and a vendor's
 * status (for JWTs). A vendor route then makes no database round trip to authenticate.
 *
 * A change can never wait for the entry to expire. Triggers on `vendor_api_keys` (role, revocation,
 * deletion) and `vendors` (status) `NOTIFY credentials_changed` with the vendor id when the change
 * commits; every api process LISTENs and drops that vendor's entries as the notification arrives
 * (milliseconds), and the process that made the change drops them itself before it answers. The
 * cache serves only while its listening connection is up: when the connection is lost everything is
 * dropped, every check goes to the database, and entries are kept again once LISTEN is back. A
 * lookup that was in flight while any notification arrived is not kept (it may have read the row
 * from before the change).
 */
@Injectable()
export class CredentialCache implements OnModuleDestroy {
  private readonly logger = new Logger(CredentialCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private client: pg.Client | null = null;
  private listening = false;
  private connecting: Promise<void> | null = null;
  private retryAt = 0;
  private closed = false;
  /** Moves at every notification and every lost connection: a lookup begun before it is not kept. */
  private generation = 0;

  constructor(private readonly config: AppConfig) {
    this.ttlMs = config.secrets.credentialCacheSeconds * 1000;
  }

  /** Whether entries are being kept and served (the listener is up and the cache is on). */
  get serving(): boolean {
    return this.ttlMs > 0 && this.listening;
  }

  /**
   * The cached answer for `key`, or `load()`'s — kept when it is not null and no notification came
   * while it was read. `vendorOf` names the vendor whose changes invalidate it.
   */
  async get<T>(
    key: string,
    load: () => Promise<T | null>,
    vendorOf: (value: T) => string,
  ): Promise<T | null> {
    if (this.ttlMs <= 0) return load();
    if (!this.listening) this.listen();
    const now = Date.now();
    const hit = this.listening ? this.entries.get(key) : undefined;
    if (hit && hit.expires > now) {
      lookups.inc({ source: 'cache' });
      return hit.value as T;
    }
    if (hit) this.entries.delete(key);
    const generation = this.generation;
    const listening = this.listening;
    lookups.inc({ source: 'database' });
    const value = await load();
    if (value !== null && listening && this.listening && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, vendorId: vendorOf(value), expires: now + this.ttlMs });
    }
    return value;
  }

  /**
   * Runs `change` (a transaction that changes what `vendorId`'s credentials authenticate) and then
   * forgets that vendor here, whether it committed or not; the trigger's NOTIFY tells the other
   * api processes as it commits.
   */
  async changing<T>(vendorId: string, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      this.forgetVendor(vendorId);
    }
  }

  /** Drops every entry of `vendorId` (its keys and its status): called as a change commits. */
  forgetVendor(vendorId: string): void {
    this.generation++;
    for (const [key, entry] of this.entries) if (entry.vendorId === vendorId) this.entries.delete(key);
  }

  /** Starts listening (in the background; until LISTEN is in place the cache stays out of the way). */
  private listen(): void {
    if (this.connecting || this.closed || Date.now() < this.retryAt) return;
    this.connecting = this.connect()
      .catch((err: unknown) => {
        this.retryAt = Date.now() + RECONNECT_DELAY_MS;
        this.logger.warn({
          msg: 'credential cache could not listen; checking every credential in the database',
          err,
        });
      })
      .finally(() => {
        this.connecting = null;
      });
  }

  private async connect(): Promise<void> {
    const client = resilientClient('credential-cache', {
      connectionString: this.config.database.url,
      application_name: 'credential-cache-listener',
    });
    client.on('notification', (n) => {
      if (n.channel === CREDENTIALS_CHANNEL && n.payload) this.forgetVendor(n.payload);
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      this.generation++;
      this.entries.clear();
      this.retryAt = Date.now() + RECONNECT_DELAY_MS;
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.entries.clear();
    this.generation++;
    this.listening = true;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.listening = false;
    this.entries.clear();
    await this.connecting;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
