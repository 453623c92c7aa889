import http from 'node:http';
import https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { guardConnectedAddress, guardedLookup, urlProblem, type OutboundPolicy } from './guarded-http.js';

export interface DownloadPolicy extends OutboundPolicy {
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
 * GETs a URL through the outbound guards (guarded-http.ts) (scheme, literal and resolved
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
