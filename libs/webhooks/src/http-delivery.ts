import http from 'node:http';
import https from 'node:https';
import {
  guardConnectedAddress,
  guardedAgent,
  guardedLookup,
  urlProblem,
  type OutboundPolicy,
} from '#libs/common';

export interface DeliveryPolicy extends OutboundPolicy {
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
        agent: guardedAgent(target.protocol, policy.allowPrivateTargets),
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
