import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Ids in the examples stand for ones the reader has: Swagger UI shows them, and the examples test
 * puts its own in their place before sending (test/e2e/request-examples.e2e.spec.ts).
 */
export const EXAMPLE_IDS = {
  checkout: 'cs_sandbox_a1b2c3',
  productA: '0b8f5e4c-1f2a-4c3b-9d4e-5f6a7b8c9d01',
  productB: '0b8f5e4c-1f2a-4c3b-9d4e-5f6a7b8c9d02',
} as const;

/** Seed 001's example person: a 35-year-old man, 5 ft 10 in, 185 lb, losing fat on a carnivore diet. */
const STEP4 = {
  email: 'michael@example.com',
  first_name: 'Michael',
  last_name: 'Brown',
  medications: 'Metformin 500mg twice a day, Lisinopril 10mg daily',
  conditions: ['diabetes', 'hypertension'],
  symptoms: ['fatigue', 'joint_pain'],
  allergies: ['shellfish'],
  dairy_tolerance: 'butter_only',
  previous_diets: ['keto'],
  what_worked: 'Keto for 14 months: lost 30 lb and felt sharp',
  carnivore_experience: 'new',
  cooking_skill: 'intermediate',
  meal_prep_time: '15_30_min',
  budget: 'moderate',
  family_situation: 'couple',
  work_travel: 'occasional',
  goals: ['weight_loss', 'blood_sugar'],
  biggest_challenge: 'Evening snacking after long work days',
};

const PRODUCT = {
  external_id: 'SKU-00042',
  name: 'Grass-fed beef jerky, original',
  brand: 'Prairie Butcher Co',
  category: 'meat-snacks',
  description: 'Thin-cut, slow-dried strips; no added sugar',
  price_cents: 899,
  currency: 'USD',
  nutrient_basis: 'per_100g',
  serving_size_g: 28,
  calories: 282,
  protein_g: 48,
  fat_g: 7,
  carbs_g: 3,
  sugar_g: 0,
  fiber_g: 0,
  salt_g: 4.1,
  saturated_fat_g: 3,
  dietary_tags: ['high_protein', 'gluten_free'],
  allergens: ['soy'],
  ingredients: 'Beef, sea salt, tamari (soy), black pepper',
  gtin: '4006381333931',
  in_stock: true,
};

const HEALTH = {
  sex: 'female',
  birth_date: '1984-05-17',
  height_cm: 168,
  weight_kg: 72.5,
  activity_level: 'moderate',
  conditions: ['hypertension'],
  allergies: ['peanuts'],
  dietary_preferences: ['gluten_free'],
  goals: ['weight_loss'],
};

/**
 * The request body each operation shows in Swagger UI ("Example Value", and what "Try it out"
 * starts from): valid, sensible, and sent as-is by the examples test, which expects the
 * operation's documented success. Keyed by `METHOD path`.
 */
export const REQUEST_EXAMPLES: Record<string, object> = {
  'POST /api/v1/calculator/sessions/resume': { email: 'michael@example.com' },
  'PATCH /api/v1/calculator/sessions/{id}': { sex: 'male', age: 35, height_ft: 5, height_in: 10 },
  'POST /api/v1/calculator/step/1': { sex: 'male', age: 35, height_ft: 5, height_in: 10, weight_lbs: 185 },
  'POST /api/v1/calculator/step/2': {
    lifestyle_activity: 'light',
    exercise_frequency: '3_4_per_week',
    goal: 'lose',
    deficit_percentage: 20,
    diet_type: 'carnivore',
  },
  'POST /api/v1/calculator/step/3': { body_fat_percent: 24 },
  'POST /api/v1/calculator/step/4': STEP4,
  'POST /api/v1/payments/checkout': { tier: 'doctor' },
  'POST /api/v1/calculator/payment/verify': { checkout_session_id: EXAMPLE_IDS.checkout },
  'POST /api/v1/payments/sandbox/{checkout_session_id}/refund': { amount_cents: 500 },
  'POST /api/v1/admin/vendors': {
    slug: 'prairie-butcher',
    name: 'Prairie Butcher Co',
    category: 'butcher',
    subcategory: 'grass-fed',
    description: 'Grass-fed beef and lamb from family ranches, shipped frozen',
    website: 'https://prairie-butcher.example',
    logo_url: 'https://prairie-butcher.example/logo.png',
    contact_email: 'partners@prairie-butcher.example',
  },
  'PATCH /api/v1/admin/vendors/{id}': {
    delivery_regions: ['US', 'CA-ON'],
    best_for: ['carnivore', 'keto'],
    price_level: 3,
  },
  'POST /api/v1/admin/vendors/{id}/api-keys': { name: 'catalogue sync', role: 'admin' },
  'POST /api/v1/api-keys': { name: 'nightly ingest', role: 'ingest' },
  'PATCH /api/v1/api-keys/{id}': { name: 'nightly ingest (warehouse)' },
  'PATCH /api/v1/directory-profile': {
    description: 'Grass-fed beef and lamb; free delivery over $150',
    delivery_regions: ['US'],
    price_level: 3,
  },
  'POST /api/v1/products': PRODUCT,
  'POST /api/v1/products/compare': { ids: [EXAMPLE_IDS.productA, EXAMPLE_IDS.productB] },
  'PUT /api/v1/products/{id}': { ...PRODUCT, price_cents: 949, in_stock: false },
  'PATCH /api/v1/products/{id}': { price_cents: 849, in_stock: true },
  'POST /api/v1/customers': {
    external_id: 'CUST-0001',
    email: 'dana.lee@example.com',
    first_name: 'Dana',
    last_name: 'Lee',
    health_profile: HEALTH,
  },
  'PUT /api/v1/customers/{id}': {
    external_id: 'CUST-0001',
    email: 'dana.lee@example.com',
    first_name: 'Dana',
    last_name: 'Lee-Park',
  },
  'PATCH /api/v1/customers/{id}': { email: 'dana.leepark@example.com' },
  'PUT /api/v1/customers/{id}/health-profile': {
    ...HEALTH,
    weight_kg: 70.2,
    conditions: ['hypertension', 'diabetes'],
  },
  'POST /api/v1/customers/erase': { external_ids: ['CUST-0001', 'CUST-0002'] },
  'PUT /api/v1/diet-rules/{condition_code}': {
    policy: {
      daily_limits: { sodium_mg: 1500, saturated_fat_g: 13 },
      exclude_tags: ['cured'],
      exclude_allergens: [],
      per_meal_fraction: 0.3333,
    },
    source: 'AHA sodium guidance; reviewed by our dietitian',
  },
  'POST /api/v1/webhooks/endpoints': {
    url: 'https://hooks.prairie-butcher.example/nutrition',
    events: ['ingestion.completed', 'ingestion.failed'],
    description: 'Catalogue sync service',
  },
  'PATCH /api/v1/webhooks/endpoints/{id}': { events: ['ingestion.completed'], enabled: true },
  'POST /api/v1/ingest/csv': {
    nutrient_basis: 'per_100g',
    mapping: { 'Product Title': 'name', Cost: 'price' },
  },
  'POST /api/v1/ingest/feeds': {
    url: 'https://prairie-butcher.example/exports/products.csv',
    mode: 'products',
    cron: '0 3 * * *',
  },
  'POST /api/v1/vendors/compare': { slugs: ['prairie-butcher', 'green-grocer'], diet_type: 'carnivore' },
};

/**
 * Puts each example on its operation's JSON body. An operation may be absent (the sandbox's routes
 * exist only in sandbox mode); the examples test checks, with every route present, that each
 * example has its operation and each JSON body its example.
 */
export function requestExamples(doc: OpenAPIObject): void {
  for (const [key, example] of Object.entries(REQUEST_EXAMPLES)) {
    const [method, path] = key.split(' ') as [string, string];
    const body = (
      doc.paths[path]?.[method.toLowerCase() as 'post'] as
        { requestBody?: { content?: Record<string, { example?: unknown }> } } | undefined
    )?.requestBody?.content?.['application/json'];
    if (body) body.example = example;
  }
}
