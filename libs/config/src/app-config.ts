/**
 * The shape of the typed configuration (see config.ts for how it is read and validated).
 * Nothing else in the code base reads process.env.
 */
export type NodeEnv = 'development' | 'test' | 'production';

export class AppConfig {
  declare readonly env: NodeEnv;
  declare readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicBaseUrl: string;
    readonly corsOrigins: string[];
    /**
     * Proxies whose X-Forwarded-For is believed: false (none), a hop count, or their addresses and
     * CIDR ranges. Never "any": that lets a client choose its own address.
     */
    readonly trustProxy: false | number | string[];
    readonly bodyLimitBytes: number;
    /** Failed authentications a bucket (an address, a key prefix) may have in a window before 429. */
    readonly authFailures: { readonly limit: number; readonly windowSeconds: number };
  };
  /** `pretty`: coloured lines with local times (LOG_FORMAT, or a terminal outside production); JSON otherwise. */
  declare readonly log: { readonly level: string; readonly pretty: boolean };
  /** OpenTelemetry: on when an OTLP endpoint is set (libs/tracing). */
  declare readonly tracing: {
    /** OTLP/HTTP base URL (spans go to `<url>/v1/traces`); null: tracing off. */
    readonly otlpEndpoint: string | null;
    readonly serviceName: string | null;
  };
  declare readonly metrics: {
    /** A scraper sending `Authorization: Bearer <token>` may read /metrics from anywhere. */
    readonly token: string | null;
    /** Addresses and CIDRs that may read /metrics without the token (loopback by default). */
    readonly allowFrom: string[];
  };
  declare readonly database: {
    readonly url: string;
    readonly replicaUrls: string[];
    readonly poolMax: number;
    readonly statementTimeoutMs: number;
    /** How long a request waits for a pooled connection before it fails with 503 (never a hang). */
    readonly acquireTimeoutMs: number;
    /** Throw when code inside a transaction asks the same pool for a second connection (pg-driver.ts). */
    readonly nestedAcquireGuard: boolean;
    /** The api's sessions run as `nrp_app` under row-level security, the worker's as `nrp_platform` (off only to measure or diagnose). */
    readonly rowSecurity: boolean;
    /** Wait for the WAL flush on rate-limit and idempotency writes (see BookkeepingPool). */
    readonly bookkeepingSyncCommit: boolean;
  };
  declare readonly queue: {
    readonly schema: string;
    readonly poolMax: number;
    /** Queues this worker serves; empty means every queue in the registry. */
    readonly workerQueues: string[];
    readonly workerHealthPort: number | null;
    readonly shutdownTimeoutMs: number;
    /** How often a worker looks for jobs whose worker died (expired) and retries them. */
    readonly superviseIntervalSeconds: number;
    /** Long jobs (ingestion) heartbeat; a job silent for this long is presumed dead and retried. */
    readonly heartbeatSeconds: number;
  };
  declare readonly secrets: {
    readonly jwtSecret: string;
    /** Longest accepted JWT lifetime (exp − iat, and exp − now). */
    readonly jwtMaxLifetimeSeconds: number;
    /**
     * How long an api process keeps what it learnt checking a vendor credential (0: never); changes
     * reach every process at once through NOTIFY, so this bounds only how stale last_used_at gets.
     */
    readonly credentialCacheSeconds: number;
    readonly vaultMasterKey: string | null;
    /** Earlier master keys, still able to open secrets until `npm run vault:rotate` re-seals them. */
    readonly vaultPreviousKeys: string[];
    readonly adminApiKey: string | null;
  };
  declare readonly mail: {
    /** smtp:// or smtps:// URL; without it mail is written to the mail_outbox table and logged. */
    readonly smtpUrl: string | null;
    readonly from: string;
    /** Mail kept in the outbox without SMTP (development): its body (links with tokens) is cleared after this. */
    readonly storedBodyMs: number;
    /** Outbox rows (address, subject, status) are deleted after this. */
    readonly retentionMs: number;
  };
  declare readonly calculator: {
    /** The calculator's pages: resume e-mails link to `<appUrl>/resume?session_id=…&session_token=…`. */
    readonly appUrl: string;
    /**
     * An unpaid calculator session nobody touched for this long is erased with everything it holds
     * (the privacy retention job); a paid one lives as long as its report.
     */
    readonly unpaidRetentionMs: number;
  };
  declare readonly payments: {
    readonly enabled: boolean;
    /**
     * Who takes payments: Stripe (a secret key is set — also with payments switched off, so refunds
     * and disputes of earlier payments still arrive), the local sandbox (payments on, no Stripe key,
     * and not production unless PAYMENTS_ALLOW_SANDBOX), or nobody: the sandbox's routes are then not
     * registered at all.
     */
    readonly provider: 'stripe' | 'sandbox' | 'none';
    /** null → sandbox provider (refused in production unless allowSandbox). */
    readonly stripeSecretKey: string | null;
    /** PAYMENTS_ALLOW_SANDBOX: the sandbox provider in production (staging, smoke tests), explicitly. */
    readonly allowSandbox: boolean;
    readonly stripeWebhookSecret: string | null;
    /** Points the Stripe SDK at another host (tests use a local fake): http://127.0.0.1:12111 */
    readonly stripeApiBase: string | null;
    readonly successUrl: string;
    readonly cancelUrl: string;
  };
  declare readonly anthropic: {
    /** null → the offline composer writes every report. */
    readonly apiKey: string | null;
    readonly baseUrl: string | null;
    readonly model: string;
    readonly maxTokens: number;
    readonly timeoutMs: number;
  };
  declare readonly search: {
    /** A replica further behind than this marks responses `freshness: "stale"`. */
    readonly replicaStaleAfterMs: number;
    /** Matches one search ranks at most (the best-first candidate window). */
    readonly candidates: number;
    /** Safe products one /matches call ranks at most (walked best-first for the customer's goal). */
    readonly matchCandidates: number;
    /** Seconds after a product write before its vendor's directory figures are re-derived. */
    readonly insightsRefreshDelaySeconds: number;
  };
  declare readonly webhooks: {
    readonly allowHttp: boolean;
    /** Tests and local development only: deliver to loopback/private addresses. */
    readonly allowPrivateTargets: boolean;
    readonly timeoutMs: number;
    /** Seconds to wait before each retry (Standard Webhooks schedule by default). */
    readonly retryScheduleSeconds: number[];
    /** An endpoint failing this long is disabled. */
    readonly disableAfterFailingMs: number;
  };
  declare readonly ingest: {
    /** Where uploads are kept: local disk (`file`) or an S3-compatible bucket (`s3`). */
    readonly store: 'file' | 's3';
    readonly uploadDir: string;
    readonly maxUploadBytes: number;
    /** An upload not finished within this is abandoned: its file is removed, its job failed. */
    readonly uploadExpiryMs: number;
    /** Uploaded files and error rows of finished jobs are deleted after this. */
    readonly retentionMs: number;
    /** Rows merged per transaction into a catalogue that already has rows. */
    readonly batchRows: number;
    /** Connections loading and indexing a first load in parallel. */
    readonly parallelism: number;
    readonly s3: {
      readonly bucket: string | null;
      readonly region: string;
      readonly endpoint: string | null;
    };
  };
  declare readonly dataDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
