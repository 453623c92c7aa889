import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { forbiddenAddressReason } from './address-policy.js';

/**
 * Where outbound HTTP may go (webhook deliveries, feed downloads): https only unless `allowHttp`,
 * and never a private, loopback or link-local address unless `allowPrivateTargets` — checked on
 * the URL, on every address its name resolves to, and on the address a socket actually connects to.
 */
export interface OutboundPolicy {
  allowHttp: boolean;
  allowPrivateTargets: boolean;
}

/**
 * Keep-alive agents (one per scheme and private-target policy): a socket is checked when it
 * connects (lookup + connected address) and then reused for the same origin.
 */
const agents = new Map<string, http.Agent>();
export function guardedAgent(protocol: string, allowPrivate: boolean): http.Agent {
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
export function urlProblem(raw: string, policy: OutboundPolicy): string | null {
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
export function guardedLookup(allowPrivate: boolean): LookupFunction {
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
export function guardConnectedAddress(
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
