/** A JSON call over real HTTP as one client address; 4xx/5xx throw with the status and body. */
export async function httpCall(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    // a client gives up on an answer that does not come (a process killed mid-request)
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status >= 400) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${text}`), { res });
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * The calculator funnel through the sandbox checkout, as client `n` (its own forwarded address),
 * to a paid report's access token; `headers` go with every call (an X-Request-Id to follow).
 */
export async function payForReport(
  base: string,
  n: number,
  opts: { tier?: string; headers?: Record<string, string> } = {},
): Promise<string> {
  const tier = opts.tier ?? 'doctor';
  const ip = { 'x-forwarded-for': `203.0.113.${n % 250}`, ...opts.headers };
  const s = await httpCall(base, 'POST', '/api/v1/calculator/sessions', { headers: ip });
  const headers = { ...ip, 'x-session-token': String(s.session_token) };
  const steps: Record<number, unknown> = {
    1: { sex: n % 2 ? 'male' : 'female', age: 30 + (n % 40), height_cm: 170, weight_kg: 75 },
    2: {
      lifestyle_activity: 'light',
      exercise_frequency: '3_4_per_week',
      goal: 'maintain',
      diet_type: 'keto',
    },
    3: {},
    4: { email: `person${n}@example.com`, first_name: 'Pat', last_name: `Number${n}` },
  };
  for (const step of [1, 2, 3, 4])
    await httpCall(base, 'POST', `/api/v1/calculator/step/${step}`, { body: steps[step], headers });
  const checkout = await httpCall(base, 'POST', '/api/v1/payments/checkout', {
    body: { session_id: s.id, tier },
    headers,
  });
  await httpCall(base, 'POST', `/api/v1/payments/sandbox/${String(checkout.checkout_session_id)}/complete`, {
    headers: ip,
  });
  const paid = await httpCall(base, 'POST', '/api/v1/calculator/payment/verify', {
    body: { session_id: s.id, checkout_session_id: checkout.checkout_session_id },
    headers,
  });
  return String(paid.access_token);
}
