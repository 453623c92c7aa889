import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { forbiddenAddressReason } from './address-policy.js';

export interface DeliveryPolicy {
  allowHttp: boolean;
  allowPrivateTargets: boolean;
  timeoutMs: number;
}

export interface DeliveryResult {
  /** HTTP status, or null when no response came (refused, timeout, network error). */
  status: number | null;
  latencyMs: number;
  error: string | null;
  /** Seconds from a Retry-After header (429/503), when given. */
  retryAfterSeconds: number | null;
}

const MAX_BODY_BYTES = 4096;

/**
 * Keep-alive agents (one per scheme and private-target policy): a socket is checked when it
 * connects (lookup + connected address) and then reused for the same origin.
 */
const agents = new Map<string, http.Agent>();
function agentFor(protocol: string, allowPrivate: boolean): http.Agent {
  const key = `${protocol}${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 };
    agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

/** Checks the URL itself: scheme and, for an IP literal host, the address. */
export function urlProblem(
  raw: string,
  policy: Pick<DeliveryPolicy, 'allowHttp' | 'allowPrivateTargets'>,
): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return policy.allowHttp ? 'the URL must be http or https' : 'the URL must be https';
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateTargets && /^[\d.]+$|:/.test(host)) return forbiddenAddressReason(host);
  if (!policy.allowPrivateTargets && /^localhost$|\.localhost$/i.test(host))
    return 'localhost is not allowed';
  return null;
}

/** DNS lookup that refuses a name resolving to a forbidden address. */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      const bad = allowPrivate
        ? null
        : list.map((a) => forbiddenAddressReason(a.address)).find((r) => r !== null);
      if (bad)
        return callback(Object.assign(new Error(`refused target: ${bad}`), { code: 'EFORBIDDEN' }), '', 0);
      const first = list[0]!;
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Checks the address a new socket actually connected to (DNS rebinding between lookup and
 * connect); a reused keep-alive socket was checked when it connected.
 */
function guardConnectedAddress(
  req: http.ClientRequest,
  allowPrivate: boolean,
  refuse: (reason: string) => void,
): void {
  if (allowPrivate) return;
  req.on('socket', (socket) => {
    if (!socket.connecting) return;
    socket.once('connect', () => {
      const reason = forbiddenAddressReason(socket.remoteAddress ?? '');
      if (reason) refuse(`refused target: ${reason}`);
    });
  });
}

/**
 * POSTs one webhook: no redirects followed (3xx is a failure), a timeout over the whole exchange,
 * the response body read up to 4 KiB, and — unless private targets are allowed — the address the
 * socket actually connected to checked again (DNS rebinding between lookup and connect).
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  policy: DeliveryPolicy,
): Promise<DeliveryResult> {
  const started = performance.now();
  const done = (r: Omit<DeliveryResult, 'latencyMs'>): DeliveryResult => ({
    ...r,
    latencyMs: Math.round(performance.now() - started),
  });
  const problem = urlProblem(url, policy);
  if (problem)
    return Promise.resolve(
      done({ status: null, error: `refused target: ${problem}`, retryAfterSeconds: null }),
    );
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<DeliveryResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(r));
    };
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-length': Buffer.byteLength(body),
          'user-agent': 'nutrition-reports-webhooks/1',
        },
        lookup: guardedLookup(policy.allowPrivateTargets),
        agent: agentFor(target.protocol, policy.allowPrivateTargets),
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_BODY_BYTES) res.destroy();
        });
        const status = res.statusCode ?? 0;
        const retryAfter = parseRetryAfter(res.headers['retry-after']);
        const end = () =>
          finish({
            status,
            error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
            retryAfterSeconds: status === 429 || status === 503 ? retryAfter : null,
          });
        res.on('end', end);
        res.on('close', end);
      },
    );
    guardConnectedAddress(req, policy.allowPrivateTargets, (error) => {
      req.destroy();
      finish({ status: null, error, retryAfterSeconds: null });
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({
        status: null,
        error: err.message.startsWith('refused target')
          ? err.message
          : `${err.code ?? 'error'}: ${err.message}`,
        retryAfterSeconds: null,
      }),
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, error: `timeout after ${policy.timeoutMs} ms`, retryAfterSeconds: null });
    }, policy.timeoutMs);
    req.end(body);
  });
}

function parseRetryAfter(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * Expiry of one `webhook.deliver` job: three times the HTTP timeout (at least 5 s). A job still
 * running after that belongs to a worker that died; pg-boss hands it to another worker, which
 * delivers again with the same webhook-id.
 */
export function deliveryJobExpiry(config: { webhooks: { timeoutMs: number } }): number {
  return Math.max(5, Math.ceil((config.webhooks.timeoutMs * 3) / 1000));
}

export interface DownloadPolicy extends Pick<DeliveryPolicy, 'allowHttp' | 'allowPrivateTargets'> {
  /** No byte for this long → the download fails. */
  idleTimeoutMs: number;
  maxBytes: number;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    /** False when trying again cannot help (refused target, 4xx, too large). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * GETs a URL through the same guards as webhook deliveries (scheme, literal and resolved
 * addresses, the connected address, no redirects) and resolves with the body stream once a 200
 * arrives. The body errors when it passes `maxBytes` or stalls for `idleTimeoutMs`.
 */
export function guardedDownload(
  url: string,
  headers: Record<string, string>,
  policy: DownloadPolicy,
): Promise<Readable> {
  const problem = urlProblem(url, policy);
  if (problem) return Promise.reject(new DownloadError(`refused target: ${problem}`, false));
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'GET',
        headers: { ...headers, 'user-agent': 'nutrition-reports-feeds/1', accept: 'text/csv, */*' },
        lookup: guardedLookup(policy.allowPrivateTargets),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          reject(
            new DownloadError(
              `the feed answered HTTP ${status}`,
              status >= 500 || status === 429 || status === 408,
            ),
          );
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > policy.maxBytes) {
          res.destroy();
          reject(new DownloadError(`the feed is larger than ${policy.maxBytes} bytes`, false));
          return;
        }
        let read = 0;
        const capped = new Transform({
          transform(chunk: Buffer, _enc, done) {
            read += chunk.length;
            if (read > policy.maxBytes)
              done(new DownloadError(`the feed is larger than ${policy.maxBytes} bytes`, false));
            else done(null, chunk);
          },
        });
        res.on('error', (err) => capped.destroy(err));
        resolve(res.pipe(capped));
      },
    );
    req.setTimeout(policy.idleTimeoutMs, () =>
      req.destroy(new DownloadError(`no data for ${policy.idleTimeoutMs} ms`, true)),
    );
    guardConnectedAddress(req, policy.allowPrivateTargets, (error) =>
      req.destroy(new DownloadError(error, false)),
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err instanceof DownloadError
          ? err
          : new DownloadError(
              err.message.startsWith('refused target')
                ? err.message
                : `${err.code ?? 'error'}: ${err.message}`,
              !err.message.startsWith('refused target'),
            ),
      ),
    );
    req.end();
  });
}
