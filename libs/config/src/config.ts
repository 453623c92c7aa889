/**
 * Typed configuration, read once from the environment and validated at boot. Nothing else in the
 * code base reads process.env: a bad or missing value stops the process with a message naming the
 * variable.
 */
import ipaddr from 'ipaddr.js';

import { AppConfig, ConfigError, type NodeEnv } from './app-config.js';

type Env = Record<string, string | undefined>;

/** Development-only default for JWT_SECRET; production refuses to start with it. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';

/**
 * Values that are public: the development default and every example our documentation and
 * compose file show. Production refuses a secret equal to any of them (compared without case).
 */
export const PUBLIC_EXAMPLE_SECRETS: readonly string[] = [
  DEV_JWT_SECRET,
  'change-me',
  'changeme',
  'ci',
  'secret',
  'password',
  // the README's example keys (Security → Secrets) — examples, never to be deployed
  'replace-with-64-hex-characters-from-openssl-rand-hex-32',
  '0000000000000000000000000000000000000000000000000000000000000000',
];

/**
 * Why a production secret is unsafe, or null: a public example value, or too few distinct
 * characters to be random (`aaaa…`, `abababab…`). Lengths are checked per variable elsewhere.
 */
export function secretWeakness(value: string): string | null {
  const lower = value.toLowerCase();
  if (PUBLIC_EXAMPLE_SECRETS.some((example) => example.toLowerCase() === lower)) {
    return 'is a public example value (the development default or one shown in the documentation)';
  }
  if (new Set(value).size < 8) return 'is not random enough (fewer than 8 distinct characters)';
  return null;
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  }

  optionalInt(name: string, min: number, max: number): number | null {
    return this.raw(name) === undefined ? null : this.int(name, 0, min, max);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  url(name: string, value: string | undefined, protocols: string[]): void {
    if (value === undefined) return;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
  }
}

const PG_PROTOCOLS = ['postgres:', 'postgresql:'];

/**
 * Loads and validates the configuration. `requireDatabase` is false only for the dev launcher,
 * which starts an embedded Postgres and sets DATABASE_URL itself.
 */
export function loadConfig(env: Env = process.env, opts: { requireDatabase?: boolean } = {}): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf<NodeEnv>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const production = nodeEnv === 'production';

  const port = r.int('PORT', 3000, 0, 65535);
  const databaseUrl = r.raw('DATABASE_URL');
  if (databaseUrl === undefined && opts.requireDatabase !== false) {
    r.problems.push('DATABASE_URL is required (npm start sets it for you with an embedded Postgres)');
  }
  r.url('DATABASE_URL', databaseUrl, PG_PROTOCOLS);
  const replicaUrls = r.list('DATABASE_REPLICA_URLS');
  replicaUrls.forEach((u) => r.url('DATABASE_REPLICA_URLS', u, PG_PROTOCOLS));
  const publicBaseUrl = r.string('PUBLIC_BASE_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  r.url('PUBLIC_BASE_URL', publicBaseUrl, ['http:', 'https:']);
  const otlpEndpoint = r.optional('OTEL_EXPORTER_OTLP_ENDPOINT') ?? undefined;
  r.url('OTEL_EXPORTER_OTLP_ENDPOINT', otlpEndpoint, ['http:', 'https:']);

  const jwtSecret = r.raw('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    r.problems.push('JWT_SECRET must be at least 32 characters');
  }
  const vaultMasterKey = r.optional('VAULT_MASTER_KEY');
  if (vaultMasterKey !== null && !isVaultKey(vaultMasterKey)) {
    r.problems.push('VAULT_MASTER_KEY must be 32 bytes, as 64 hex characters or base64');
  }
  const vaultPreviousKeys = r.list('VAULT_PREVIOUS_KEYS');
  if (vaultPreviousKeys.some((k) => !isVaultKey(k))) {
    r.problems.push('VAULT_PREVIOUS_KEYS must be a comma-separated list of 32-byte keys (hex or base64)');
  }
  const webhooksAllowPrivate = r.bool('WEBHOOKS_ALLOW_PRIVATE_TARGETS', false);
  if (production && webhooksAllowPrivate) {
    r.problems.push('WEBHOOKS_ALLOW_PRIVATE_TARGETS must not be true when NODE_ENV=production');
  }
  const retrySchedule = r
    .list('WEBHOOKS_RETRY_SCHEDULE_SECONDS')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n >= 0);
  if (retrySchedule.length === 0) retrySchedule.push(5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400);
  const metricsToken = r.optional('METRICS_TOKEN');
  if (metricsToken !== null && metricsToken.length < 24)
    r.problems.push('METRICS_TOKEN must be at least 24 characters');
  const metricsAllowFrom =
    r.raw('METRICS_ALLOW_FROM') === undefined ? ['127.0.0.1', '::1'] : r.list('METRICS_ALLOW_FROM');
  const badMetricsFrom = metricsAllowFrom.filter((entry) => !isAddressOrCidr(entry));
  if (badMetricsFrom.length > 0) {
    r.problems.push(
      `METRICS_ALLOW_FROM must list IP addresses or CIDR ranges (not: ${badMetricsFrom.join(', ')})`,
    );
  }
  const adminApiKey = r.optional('ADMIN_API_KEY');
  if (adminApiKey !== null && adminApiKey.length < 24) {
    r.problems.push('ADMIN_API_KEY must be at least 24 characters');
  }
  const smtpUrl = r.optional('SMTP_URL');
  r.url('SMTP_URL', smtpUrl ?? undefined, ['smtp:', 'smtps:']);
  r.url('ANTHROPIC_BASE_URL', r.raw('ANTHROPIC_BASE_URL'), ['http:', 'https:']);
  const paymentsEnabled = r.bool('PAYMENTS_ENABLED', true);
  const allowSandbox = r.bool('PAYMENTS_ALLOW_SANDBOX', false);
  const stripeSecretKey = r.optional('STRIPE_SECRET_KEY');
  const stripeWebhookSecret = r.optional('STRIPE_WEBHOOK_SECRET');
  const stripeApiBase = r.optional('STRIPE_API_BASE');
  const dataDir = r.string('DATA_DIR', '.data');
  // readable lines for a person at a terminal; JSON for machines, and always in production
  const logFormat = r.oneOf<'auto' | 'json' | 'pretty'>('LOG_FORMAT', ['auto', 'json', 'pretty'], 'auto');
  if (logFormat === 'pretty' && nodeEnv === 'production')
    r.problems.push('LOG_FORMAT=pretty is for development: production logs are JSON (unset it or use json)');
  const ingestStore = r.oneOf<'file' | 's3'>('INGEST_STORE', ['file', 's3'], 'file');
  const s3Bucket = r.optional('INGEST_S3_BUCKET');
  const s3Endpoint = r.optional('INGEST_S3_ENDPOINT');
  r.url('INGEST_S3_ENDPOINT', s3Endpoint ?? undefined, ['http:', 'https:']);
  r.url('STRIPE_API_BASE', stripeApiBase ?? undefined, ['http:', 'https:']);
  if (stripeSecretKey !== null && stripeWebhookSecret === null) {
    r.problems.push('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY');
  }
  if (production) {
    if (paymentsEnabled && stripeSecretKey === null && !allowSandbox) {
      r.problems.push(
        'STRIPE_SECRET_KEY is required when NODE_ENV=production (sandbox payments are refused); or set PAYMENTS_ENABLED=false, or PAYMENTS_ALLOW_SANDBOX=true for a staging deployment',
      );
    }
    if (jwtSecret === undefined) r.problems.push('JWT_SECRET is required when NODE_ENV=production');
    if (vaultMasterKey === null) r.problems.push('VAULT_MASTER_KEY is required when NODE_ENV=production');
    if (adminApiKey === null) r.problems.push('ADMIN_API_KEY is required when NODE_ENV=production');
    const secrets: [string, string | null | undefined][] = [
      ['JWT_SECRET', jwtSecret],
      ['VAULT_MASTER_KEY', vaultMasterKey],
      ['ADMIN_API_KEY', adminApiKey],
      ['METRICS_TOKEN', metricsToken],
      ...vaultPreviousKeys.map((k, i): [string, string] => [`VAULT_PREVIOUS_KEYS[${i}]`, k]),
    ];
    for (const [name, value] of secrets) {
      const weakness = value ? secretWeakness(value) : null;
      if (weakness) r.problems.push(`${name} ${weakness} (refused when NODE_ENV=production)`);
    }
  }
  const paymentProvider: 'stripe' | 'sandbox' | 'none' =
    stripeSecretKey !== null
      ? 'stripe'
      : paymentsEnabled && (!production || allowSandbox)
        ? 'sandbox'
        : 'none';

  const config: AppConfig = {
    env: nodeEnv,
    http: {
      host: r.string('HOST', '0.0.0.0'),
      port,
      publicBaseUrl,
      corsOrigins: r.list('CORS_ORIGINS'),
      trustProxy: trustProxy(r),
      bodyLimitBytes: r.int('HTTP_BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
      authFailures: {
        limit: r.int('AUTH_FAILURE_LIMIT', 30, 1, 100_000),
        windowSeconds: r.int('AUTH_FAILURE_WINDOW_SECONDS', 600, 10, 86_400),
      },
    },
    tracing: {
      otlpEndpoint: otlpEndpoint ?? null,
      serviceName: r.optional('OTEL_SERVICE_NAME'),
    },
    metrics: {
      token: metricsToken,
      allowFrom: metricsAllowFrom,
    },
    log: {
      level: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
      pretty:
        logFormat === 'pretty' ||
        (logFormat === 'auto' && nodeEnv !== 'production' && !!process.stdout.isTTY),
    },
    database: {
      url: databaseUrl ?? '',
      replicaUrls,
      poolMax: r.int('DATABASE_POOL_MAX', 10, 1, 500),
      statementTimeoutMs: r.int('DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 0, 86_400_000),
      acquireTimeoutMs: r.int('DATABASE_ACQUIRE_TIMEOUT_MS', 5_000, 100, 600_000),
      nestedAcquireGuard: r.bool('DATABASE_NESTED_ACQUIRE_GUARD', !production),
      bookkeepingSyncCommit: r.bool('BOOKKEEPING_SYNC_COMMIT', false),
      rowSecurity: r.bool('DATABASE_ROW_SECURITY', true),
    },
    queue: {
      schema: r.string('QUEUE_SCHEMA', 'pgboss'),
      poolMax: r.int('QUEUE_POOL_MAX', 4, 1, 100),
      workerQueues: r.list('WORKER_QUEUES'),
      workerHealthPort: r.optionalInt('WORKER_HEALTH_PORT', 0, 65535),
      shutdownTimeoutMs: r.int('WORKER_SHUTDOWN_TIMEOUT_MS', 30_000, 0, 600_000),
      superviseIntervalSeconds: r.int('QUEUE_SUPERVISE_INTERVAL_SECONDS', 15, 1, 3600),
      heartbeatSeconds: r.int('QUEUE_HEARTBEAT_SECONDS', 10, 10, 3600),
    },
    secrets: {
      jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
      jwtMaxLifetimeSeconds: r.int('JWT_MAX_LIFETIME_SECONDS', 86_400, 60, 30 * 86_400),
      credentialCacheSeconds: r.int('AUTH_CACHE_SECONDS', 60, 0, 600),
      vaultMasterKey,
      vaultPreviousKeys,
      adminApiKey,
    },
    mail: {
      smtpUrl,
      from: r.string('MAIL_FROM', 'Nutrition Reports <reports@localhost>'),
      storedBodyMs: r.int('MAIL_STORED_BODY_HOURS', 24, 1, 24 * 30) * 3_600_000,
      retentionMs: r.int('MAIL_RETENTION_DAYS', 30, 1, 3650) * 86_400_000,
    },
    calculator: {
      appUrl: r.string('CALCULATOR_APP_URL', `${publicBaseUrl}/calculator`),
      unpaidRetentionMs: r.int('CALCULATOR_UNPAID_RETENTION_DAYS', 30, 1, 3650) * 86_400_000,
    },
    payments: {
      enabled: paymentsEnabled,
      provider: paymentProvider,
      allowSandbox,
      stripeSecretKey,
      stripeWebhookSecret,
      stripeApiBase,
      successUrl: r.string(
        'PAYMENT_SUCCESS_URL',
        `${publicBaseUrl}/calculator/paid?checkout_session_id={CHECKOUT_SESSION_ID}`,
      ),
      cancelUrl: r.string('PAYMENT_CANCEL_URL', `${publicBaseUrl}/calculator/checkout-cancelled`),
    },
    anthropic: {
      apiKey: r.optional('ANTHROPIC_API_KEY'),
      baseUrl: r.optional('ANTHROPIC_BASE_URL'),
      model: r.string('ANTHROPIC_MODEL', 'claude-opus-4-5-20251101'),
      maxTokens: r.int('ANTHROPIC_MAX_TOKENS', 4000, 256, 64000),
      timeoutMs: r.int('ANTHROPIC_TIMEOUT_MS', 120_000, 1000, 600_000),
    },
    search: {
      replicaStaleAfterMs: r.int('REPLICA_STALE_AFTER_MS', 5000, 0, 86_400_000),
      candidates: r.int('SEARCH_CANDIDATES', 500, 50, 100_000),
      matchCandidates: r.int('MATCH_CANDIDATES', 200, 20, 10_000),
      insightsRefreshDelaySeconds: r.int('INSIGHTS_REFRESH_DELAY_SECONDS', 60, 0, 86_400),
    },
    webhooks: {
      allowHttp: r.bool('WEBHOOKS_ALLOW_HTTP', false),
      allowPrivateTargets: webhooksAllowPrivate,
      timeoutMs: r.int('WEBHOOKS_TIMEOUT_MS', 15_000, 100, 120_000),
      retryScheduleSeconds: retrySchedule,
      disableAfterFailingMs: r.int('WEBHOOKS_DISABLE_AFTER_HOURS', 120, 1, 24 * 365) * 3_600_000,
    },
    ingest: {
      store: ingestStore,
      uploadDir: r.string('INGEST_UPLOAD_DIR', `${dataDir}/uploads`),
      maxUploadBytes: r.int('INGEST_MAX_UPLOAD_BYTES', 10 * 1024 ** 3, 1024, 1024 ** 4),
      uploadExpiryMs: r.int('INGEST_UPLOAD_EXPIRY_HOURS', 24, 1, 24 * 30) * 3_600_000,
      retentionMs: r.int('INGEST_RETENTION_DAYS', 7, 1, 365) * 86_400_000,
      batchRows: r.int('INGEST_BATCH_ROWS', 200_000, 100, 1_000_000),
      parallelism: r.int('INGEST_PARALLELISM', 2, 1, 16),
      s3: {
        bucket: s3Bucket,
        region: r.string('INGEST_S3_REGION', 'us-east-1'),
        endpoint: s3Endpoint,
      },
    },
    dataDir,
  };
  if (ingestStore === 's3' && !s3Bucket) r.problems.push('INGEST_S3_BUCKET is required when INGEST_STORE=s3');
  if (!/^[a-z_][a-z0-9_]*$/.test(config.queue.schema)) {
    r.problems.push('QUEUE_SCHEMA must be a lower-case SQL identifier');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(Object.assign(new AppConfig(), config));
}

/** TRUST_PROXY: `false`/`0`, a hop count (`1`), or addresses and CIDRs (`10.0.0.0/8,192.168.1.7`). */
function trustProxy(r: Reader): false | number | string[] {
  const value = r.raw('TRUST_PROXY');
  if (value === undefined || ['false', '0', 'no'].includes(value.toLowerCase())) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) r.problems.push(`TRUST_PROXY as a hop count must be between 0 and 10 (got "${value}")`);
    return hops;
  }
  if (['true', 'yes'].includes(value.toLowerCase())) {
    r.problems.push(
      'TRUST_PROXY=true would believe any X-Forwarded-For (a client could pick its own address): give the number of proxies in front of the api (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8)',
    );
    return false;
  }
  const list = r.list('TRUST_PROXY');
  const bad = list.filter((entry) => !isAddressOrCidr(entry));
  if (bad.length > 0) {
    r.problems.push(
      `TRUST_PROXY must be false, a hop count, or a comma-separated list of IP addresses and CIDR ranges (not: ${bad.join(', ')})`,
    );
  }
  return list;
}

function isAddressOrCidr(entry: string): boolean {
  try {
    if (entry.includes('/')) ipaddr.parseCIDR(entry);
    else ipaddr.parse(entry);
    return true;
  } catch {
    return false;
  }
}

export function isVaultKey(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  return Buffer.from(value, 'base64').length === 32;
}
