import { MICHAEL_PROFILE } from '../../libs/reports/src/composer/fixtures.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Seed 001's example person (the composer fixtures' profile), as the four steps submit them. */
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
    email: MICHAEL_PROFILE.email,
    first_name: MICHAEL_PROFILE.first_name,
    last_name: MICHAEL_PROFILE.last_name,
    medications: MICHAEL_PROFILE.medications!,
    conditions: MICHAEL_PROFILE.conditions!,
    symptoms: MICHAEL_PROFILE.symptoms!,
    allergies: MICHAEL_PROFILE.allergies!,
    previous_diets: MICHAEL_PROFILE.previous_diets!,
    what_worked: MICHAEL_PROFILE.what_worked!,
    biggest_challenge: MICHAEL_PROFILE.biggest_challenge!,
    goals: MICHAEL_PROFILE.goals!,
    budget: MICHAEL_PROFILE.budget!,
    family_situation: MICHAEL_PROFILE.family_situation!,
    work_travel: MICHAEL_PROFILE.work_travel!,
    dairy_tolerance: MICHAEL_PROFILE.dairy_tolerance!,
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
