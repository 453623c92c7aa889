import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Seed 001's example person, as the four steps submit them. */
export const MICHAEL = {
  step1: { sex: 'male', age: 35, height_ft: 5, height_in: 10, weight_lbs: 185 },
  step2: {
    lifestyle_activity: 'light',
    exercise_frequency: '3_4_per_week',
    goal: 'lose',
    deficit_percentage: 20,
    diet_type: 'carnivore',
  },
  step3: {},
  step4: {
    email: 'michael@example.com',
    first_name: 'Michael',
    last_name: 'Brown',
    medications: 'Metformin 500mg 2x/day, Lisinopril 10mg daily',
    conditions: ['diabetes', 'hypertension'],
    symptoms: ['brain_fog', 'joint_pain'],
    allergies: ['shellfish'],
    previous_diets: ['keto'],
    what_worked: 'Keto for 14 months',
    biggest_challenge: 'I fell off keto after 14 months',
    goals: ['weight_loss', 'energy', 'mental_clarity'],
    budget: 'moderate',
    family_situation: 'solo',
    work_travel: 'occasional',
    dairy_tolerance: 'butter_only',
  },
};

export class CalculatorClient {
  id = '';
  token = '';

  constructor(private readonly app: NestFastifyApplication) {}

  request(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    return this.app.inject({
      method,
      url: `/api/v1${url}`,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: { ...(this.token ? { 'x-session-token': this.token } : {}), ...headers },
    });
  }

  async start(): Promise<this> {
    const res = await this.request('POST', '/calculator/sessions');
    if (res.statusCode !== 201) throw new Error(`create session: ${res.statusCode} ${res.body}`);
    ({ id: this.id, session_token: this.token } = res.json());
    return this;
  }

  step(n: 1 | 2 | 3 | 4, body: unknown) {
    return this.request('POST', `/calculator/step/${n}`, body);
  }

  async completeSteps(person = MICHAEL): Promise<void> {
    for (const n of [1, 2, 3, 4] as const) {
      const res = await this.step(n, person[`step${n}`]);
      if (res.statusCode !== 200) throw new Error(`step ${n}: ${res.statusCode} ${res.body}`);
    }
  }

  async checkout(tier = 'doctor'): Promise<{ checkout_session_id: string; checkout_url: string }> {
    const res = await this.request('POST', '/payments/checkout', { session_id: this.id, tier });
    if (res.statusCode !== 201) throw new Error(`checkout: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  verify(checkoutSessionId: string) {
    return this.request('POST', '/calculator/payment/verify', {
      session_id: this.id,
      checkout_session_id: checkoutSessionId,
    });
  }
}
