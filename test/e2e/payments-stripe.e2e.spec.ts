import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { CalculatorClient } from '../support/calculator-client.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { FakeStripe } from '../support/fake-stripe.js';

const WEBHOOK_SECRET = 'whsec_test_secret_for_e2e';

/** The real `stripe` SDK in the app, pointed at a local fake Stripe API; events signed by the SDK. */
describe('payments with Stripe (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let fake: FakeStripe;
  let ds: DataSource;
  const stripe = new Stripe('sk_test_unused');

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await new FakeStripe().start();
    app = await createApiApp(
      testConfig(db.url, {
        STRIPE_SECRET_KEY: 'sk_test_123',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_BASE: fake.baseUrl,
      }),
    );
    ds = await db.owner();
  });

  afterAll(async () => {
    await app.close();
    await fake.stop();
    await db.drop();
  });

  function event(type: string, object: object, id = `evt_${Math.random().toString(36).slice(2)}`) {
    return JSON.stringify({
      id,
      object: 'event',
      type,
      api_version: '2024-06-20',
      created: Math.floor(Date.now() / 1000),
      data: { object },
    });
  }

  function postWebhook(payload: string, secret = WEBHOOK_SECRET) {
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret });
    return app.inject({
      method: 'POST',
      url: '/api/v1/payments/webhook',
      payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    });
  }

  async function paidSession(tier = 'doctor') {
    const c = await new CalculatorClient(app).start();
    await c.completeSteps();
    const checkout = await c.checkout(tier);
    return { c, checkout };
  }

  const reportsFor = (sessionId: string) =>
    ds.query(`SELECT id, status FROM reports WHERE session_id = $1`, [sessionId]);

  it('creates a Stripe Checkout Session with the tier amount and the session in the metadata', async () => {
    const { c, checkout } = await paidSession('meal_plan');
    const session = fake.sessions.get(checkout.checkout_session_id)!;
    expect(checkout.checkout_url).toBe(session.url);
    expect(session).toMatchObject({
      amount_total: 2700,
      currency: 'usd',
      metadata: { session_id: c.id, tier: 'meal_plan' },
      client_reference_id: c.id,
    });
    expect(fake.requests.at(-1)!.auth).toBe('Bearer sk_test_123');
  });

  it('webhook first, then verify: one report, and verify returns a working token', async () => {
    const { c, checkout } = await paidSession();
    const paid = fake.markPaid(checkout.checkout_session_id);
    const res = await postWebhook(event('checkout.session.completed', paid));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true });
    expect(await reportsFor(c.id)).toEqual([expect.objectContaining({ status: 'queued' })]);

    const verified = await c.verify(checkout.checkout_session_id);
    expect(verified.statusCode).toBe(200);
    const hash = (
      await ds.query(`SELECT encode(sha256($1::bytea), 'hex') AS h`, [verified.json().access_token])
    )[0].h;
    expect(await ds.query(`SELECT 1 FROM report_access_tokens WHERE token_hash = $1`, [hash])).toHaveLength(
      1,
    );
    expect(await reportsFor(c.id)).toHaveLength(1);
  });

  it('processes each event id once', async () => {
    const { c, checkout } = await paidSession();
    const payload = event(
      'checkout.session.completed',
      fake.markPaid(checkout.checkout_session_id),
      'evt_duplicate_1',
    );
    expect((await postWebhook(payload)).json()).toEqual({ received: true });
    expect((await postWebhook(payload)).json()).toEqual({ received: true, duplicate: true });
    expect(await reportsFor(c.id)).toHaveLength(1);
  });

  it('payment_intent.succeeded completes the payment named in its metadata', async () => {
    const { c, checkout } = await paidSession();
    fake.markPaid(checkout.checkout_session_id);
    const res = await postWebhook(
      event('payment_intent.succeeded', {
        id: 'pi_1',
        object: 'payment_intent',
        metadata: { session_id: c.id, tier: 'doctor' },
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(await reportsFor(c.id)).toHaveLength(1);
  });

  it('refuses a wrong signature with 400 and changes nothing', async () => {
    const { c, checkout } = await paidSession();
    const payload = event('checkout.session.completed', fake.markPaid(checkout.checkout_session_id));
    const res = await postWebhook(payload, 'whsec_wrong');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_signature');
    const unsigned = await app.inject({
      method: 'POST',
      url: '/api/v1/payments/webhook',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.statusCode).toBe(400);
    expect(await reportsFor(c.id)).toHaveLength(0);
    expect(
      await ds.query(`SELECT 1 FROM payment_events WHERE event_id = $1`, [JSON.parse(payload).id]),
    ).toHaveLength(0);
    const [{ status }] = await ds.query(`SELECT status FROM calculator_sessions WHERE id = $1`, [c.id]);
    expect(status).toBe('in_progress');
  });

  it('refuses a payment whose amount does not match the tier', async () => {
    const { c, checkout } = await paidSession();
    fake.markPaid(checkout.checkout_session_id, { amount_total: 100 });
    const res = await c.verify(checkout.checkout_session_id);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('payment_mismatch');
    expect(await reportsFor(c.id)).toHaveLength(0);
  });

  it('refuses a checkout that belongs to another session', async () => {
    const { checkout } = await paidSession();
    fake.markPaid(checkout.checkout_session_id);
    const other = await new CalculatorClient(app).start();
    await other.completeSteps();
    const res = await other.verify(checkout.checkout_session_id);
    expect(res.statusCode).toBe(404);
  });

  it('refuses verify while Stripe says unpaid', async () => {
    const { c, checkout } = await paidSession();
    const res = await c.verify(checkout.checkout_session_id);
    expect(res.json().error.code).toBe('payment_not_completed');
  });

  it('the sandbox completion route does not exist in Stripe mode', async () => {
    const { checkout } = await paidSession();
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/payments/sandbox/${checkout.checkout_session_id}/complete`,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found'); // not registered at all: no sandbox route answers
  });

  describe('money that comes back', () => {
    /** A paid report, its token and its payment intent. */
    async function paidReportViaStripe() {
      const { c, checkout } = await paidSession();
      const paid = fake.markPaid(checkout.checkout_session_id);
      expect((await postWebhook(event('checkout.session.completed', paid))).statusCode).toBe(200);
      const token = (await c.verify(checkout.checkout_session_id)).json().access_token as string;
      return { c, checkout, token, pi: paid.payment_intent!, amount: paid.amount_total };
    }
    const reportStatus = async (token: string) => {
      const res = await app.inject({ url: `/api/v1/reports/${token}/status` });
      return [res.statusCode, res.statusCode === 410 ? res.json().error.code : 'ok'];
    };
    const charge = (pi: string, amount: number, refunded: number) => ({
      id: `ch_${pi}`,
      object: 'charge',
      payment_intent: pi,
      amount,
      amount_refunded: refunded,
      refunded: refunded >= amount,
      metadata: {},
    });
    const transitions = (checkoutId: string) =>
      ds.query(
        `SELECT t.from_status, t.to_status, t.amount_cents FROM payment_transitions t
           JOIN payments p ON p.id = t.payment_id WHERE p.checkout_session_id = $1 ORDER BY t.id`,
        [checkoutId],
      );

    it('a partial refund keeps the report; a full refund takes it back (410 report_refunded)', async () => {
      const { checkout, token, pi, amount } = await paidReportViaStripe();
      expect(await reportStatus(token)).toEqual([200, 'ok']);
      expect((await postWebhook(event('charge.refunded', charge(pi, amount, 500)))).statusCode).toBe(200);
      expect(await reportStatus(token)).toEqual([200, 'ok']);
      expect((await postWebhook(event('charge.refunded', charge(pi, amount, amount)))).statusCode).toBe(200);
      expect(await reportStatus(token)).toEqual([410, 'report_refunded']);
      const page = await app.inject({ url: `/r/${token}` });
      expect([page.statusCode, page.body.includes('was refunded')]).toEqual([410, true]);
      expect(await transitions(checkout.checkout_session_id)).toEqual([
        { from_status: 'pending', to_status: 'completed', amount_cents: null },
        { from_status: 'completed', to_status: 'completed', amount_cents: 500 },
        { from_status: 'completed', to_status: 'refunded', amount_cents: amount },
      ]);
    });

    it('a dispute takes the report back while it is open (410 report_disputed); won, it returns', async () => {
      const { token, pi } = await paidReportViaStripe();
      const dispute = {
        id: `dp_${pi}`,
        object: 'dispute',
        payment_intent: pi,
        charge: `ch_${pi}`,
        status: 'needs_response',
      };
      expect((await postWebhook(event('charge.dispute.created', dispute))).statusCode).toBe(200);
      expect(await reportStatus(token)).toEqual([410, 'report_disputed']);
      // won: the report comes back
      const won = { ...dispute, status: 'won' };
      expect((await postWebhook(event('charge.dispute.closed', won))).statusCode).toBe(200);
      expect(await reportStatus(token)).toEqual([200, 'ok']);

      // lost: the money went back to the buyer, and the report with it
      const other = await paidReportViaStripe();
      const lost = { ...dispute, id: `dp_${other.pi}`, payment_intent: other.pi, status: 'lost' };
      expect(
        (await postWebhook(event('charge.dispute.created', { ...lost, status: 'needs_response' })))
          .statusCode,
      ).toBe(200);
      expect((await postWebhook(event('charge.dispute.closed', lost))).statusCode).toBe(200);
      expect(await reportStatus(other.token)).toEqual([410, 'report_refunded']);
    });

    it('an expired or failed checkout lets the session check out again', async () => {
      const { c, checkout } = await paidSession();
      const expired = { ...fake.sessions.get(checkout.checkout_session_id)!, status: 'expired' };
      expect((await postWebhook(event('checkout.session.expired', expired))).statusCode).toBe(200);
      const [p] = await ds.query(`SELECT status FROM payments WHERE checkout_session_id = $1`, [
        checkout.checkout_session_id,
      ]);
      expect(p.status).toBe('expired');
      const again = await c.checkout('doctor');
      const pi = { id: 'pi_failed_1', object: 'payment_intent', metadata: { session_id: c.id } };
      expect((await postWebhook(event('payment_intent.payment_failed', pi))).statusCode).toBe(200);
      const [q] = await ds.query(`SELECT status FROM payments WHERE checkout_session_id = $1`, [
        again.checkout_session_id,
      ]);
      expect(q.status).toBe('failed');
      expect((await c.checkout('doctor')).checkout_session_id).toMatch(/^cs_test_/);
    });

    it('a new checkout closes the earlier open one at Stripe (one payment per session)', async () => {
      const { c, checkout } = await paidSession();
      await c.checkout('doctor');
      expect(fake.sessions.get(checkout.checkout_session_id)!.status).toBe('expired');
      const open = await ds.query(
        `SELECT count(*)::int AS n FROM payments WHERE session_id = $1 AND status = 'pending'`,
        [c.id],
      );
      expect(open[0].n).toBe(1);
    });

    it('two checkouts paid at once: one report, one completed payment, the other refunded through Stripe', async () => {
      const c = await new CalculatorClient(app).start();
      await c.completeSteps();
      // two tabs check out at the same moment (Stripe slow to create them): the checkouts are
      // serialised, so the second closes the first at Stripe — but a payment that raced that expiry
      // still lands (the fake pays an expired session, as a card confirmation in flight would)
      fake.createDelayMs = 400;
      const [a, b] = await Promise.all([c.checkout('doctor'), c.checkout('doctor')]).finally(() => {
        fake.createDelayMs = 0;
      });
      const paidA = fake.markPaid(a.checkout_session_id);
      const paidB = fake.markPaid(b.checkout_session_id);
      expect((await postWebhook(event('checkout.session.completed', paidA))).statusCode).toBe(200);
      expect((await postWebhook(event('checkout.session.completed', paidB))).statusCode).toBe(200);
      expect(await reportsFor(c.id)).toHaveLength(1);
      const payments = await ds.query(
        `SELECT checkout_session_id, status, refunded_cents FROM payments WHERE session_id = $1 ORDER BY status`,
        [c.id],
      );
      expect(payments).toEqual([
        { checkout_session_id: a.checkout_session_id, status: 'completed', refunded_cents: 0 },
        {
          checkout_session_id: b.checkout_session_id,
          status: 'refunded',
          refunded_cents: paidB.amount_total,
        },
      ]);
      const [payB] = await ds.query(`SELECT id FROM payments WHERE checkout_session_id = $1`, [
        b.checkout_session_id,
      ]);
      expect(fake.refunds).toContainEqual(
        expect.objectContaining({
          payment_intent: paidB.payment_intent,
          idempotencyKey: `refund-duplicate-${payB.id}`,
        }),
      );
    });
  });
});
