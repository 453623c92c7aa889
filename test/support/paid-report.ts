import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CalculatorClient, MICHAEL } from './calculator-client.js';

/** Walks the sandbox funnel and returns the report access token (and the client). */
export async function paidReport(
  app: NestFastifyApplication,
  tier = 'doctor',
  step4: Record<string, unknown> = MICHAEL.step4,
) {
  const c = await new CalculatorClient(app).start();
  await c.completeSteps({ ...MICHAEL, step4: step4 as typeof MICHAEL.step4 });
  const { checkout_session_id } = await c.checkout(tier);
  await app.inject({ method: 'POST', url: `/api/v1/payments/sandbox/${checkout_session_id}/complete` });
  const res = await c.verify(checkout_session_id);
  if (res.statusCode !== 200) throw new Error(`verify: ${res.statusCode} ${res.body}`);
  return { client: c, token: res.json().access_token as string, checkoutId: checkout_session_id };
}
