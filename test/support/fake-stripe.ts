import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { LoopbackServer } from './loopback-server.js';

/**
 * A local stand-in for the Stripe API (stripe-mock is not on npm): just the Checkout Session
 * endpoints the app uses, driven by the real `stripe` SDK over HTTP. Tests pay sessions with
 * `markPaid` and can tamper with amounts to test verification.
 */
export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  url: string;
  mode: string;
  payment_status: 'unpaid' | 'paid';
  status: 'open' | 'complete' | 'expired';
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  client_reference_id: string | null;
  customer_email: string | null;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
}

/** Stripe's form encoding: `a[b][0][c]=1` → { a: { b: [{ c: '1' }] } }. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const container = node as Record<string, unknown>;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

export class FakeStripe extends LoopbackServer {
  readonly sessions = new Map<string, FakeCheckoutSession>();
  readonly requests: { method: string; path: string; auth: string | undefined }[] = [];
  /** Refunds created through the API (POST /v1/refunds), with the idempotency key sent. */
  /** Delays creating a checkout session (to line up two concurrent checkouts). */
  createDelayMs = 0;
  readonly refunds: {
    id: string;
    payment_intent: string;
    amount: number | null;
    idempotencyKey: string | undefined;
  }[] = [];
  markPaid(id: string, patch: Partial<FakeCheckoutSession> = {}): FakeCheckoutSession {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`no fake checkout ${id}`);
    Object.assign(
      s,
      { payment_status: 'paid', status: 'complete', payment_intent: `pi_${randomBytes(8).toString('hex')}` },
      patch,
    );
    return s;
  }

  protected handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    this.requests.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': `req_${randomBytes(6).toString('hex')}`,
      });
      res.end(JSON.stringify(payload));
    };
    // the hosted payment page (what a browser sees at checkout_url), and its Pay button
    const page = /^\/c\/pay\/([^/]+)$/.exec(url.pathname);
    if (page) {
      const session = this.sessions.get(decodeURIComponent(page[1]!));
      if (!session) return send(404, { error: { message: 'No such checkout page' } });
      if (req.method === 'POST') {
        this.markPaid(session.id);
        res.writeHead(303, { location: session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id) });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><link rel="icon" href="data:,"><title>Fake Stripe Checkout</title><h1>Pay ${session.amount_total} ${session.currency}</h1>` +
          `<form method="post"><button type="submit">Pay</button></form>`,
      );
      return;
    }
    if (!req.headers.authorization?.startsWith('Bearer sk_')) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    }
    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const form = parseStripeForm(body) as {
        mode: string;
        metadata?: Record<string, string>;
        client_reference_id?: string;
        customer_email?: string;
        success_url: string;
        cancel_url: string;
        line_items: { quantity: string; price_data: { currency: string; unit_amount: string } }[];
      };
      const item = form.line_items[0]!;
      const id = `cs_test_${randomBytes(12).toString('hex')}`;
      const session: FakeCheckoutSession = {
        id,
        object: 'checkout.session',
        // a page of this fake, as Stripe hosts its own: Pay redirects to success_url
        url: `${this.baseUrl}/c/pay/${id}`,
        mode: form.mode,
        payment_status: 'unpaid',
        status: 'open',
        amount_total: Number(item.price_data.unit_amount) * Number(item.quantity),
        currency: item.price_data.currency,
        metadata: form.metadata ?? {},
        client_reference_id: form.client_reference_id ?? null,
        customer_email: form.customer_email ?? null,
        payment_intent: null,
        success_url: form.success_url,
        cancel_url: form.cancel_url,
      };
      this.sessions.set(id, session);
      if (this.createDelayMs > 0) {
        setTimeout(() => send(200, session), this.createDelayMs);
        return;
      }
      return send(200, session);
    }
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(url.pathname);
    if (req.method === 'POST' && expire) {
      const s = this.sessions.get(decodeURIComponent(expire[1]!));
      if (!s)
        return send(404, { error: { type: 'invalid_request_error', message: 'No such checkout.session' } });
      if (s.status !== 'open') {
        return send(400, {
          error: {
            type: 'invalid_request_error',
            message: `Only open sessions can be expired (${s.status})`,
          },
        });
      }
      s.status = 'expired';
      return send(200, s);
    }
    if (req.method === 'POST' && url.pathname === '/v1/refunds') {
      const form = parseStripeForm(body) as { payment_intent: string; amount?: string };
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      const earlier = this.refunds.find((r) => idempotencyKey && r.idempotencyKey === idempotencyKey);
      const refund = earlier ?? {
        id: `re_${randomBytes(8).toString('hex')}`,
        payment_intent: form.payment_intent,
        amount: form.amount ? Number(form.amount) : null,
        idempotencyKey,
      };
      if (!earlier) this.refunds.push(refund);
      return send(200, { ...refund, object: 'refund', status: 'succeeded' });
    }
    const m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const s = this.sessions.get(decodeURIComponent(m[1]!));
      return s
        ? send(200, s)
        : send(404, {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: 'No such checkout.session',
            },
          });
    }
    send(404, {
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${req.method}: ${url.pathname})`,
      },
    });
  }
}
