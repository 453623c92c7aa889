import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { EVENT_DATA } from '#libs/webhooks';
import { ERROR_SCHEMA, finishOperations, nullableEnums, requestDefaults } from './openapi/operations.js';
import { webhooks } from './openapi/webhooks.js';
import { requestExamples } from './openapi/request-examples.js';

/** Every tag, with what its routes are for (Swagger UI and generated clients show these). */
const TAGS: [string, string][] = [
  [
    'calculator',
    'The 4-step nutrition calculator: a session (its token in `X-Session-Token`), steps, progress',
  ],
  ['payments', 'Checkout for a report tier, payment verification, the Stripe webhook'],
  ['reports', 'A paid report, read through its secret token: status, SSE progress, JSON, PDF, web page'],
  ['vendor directory', 'The public list of vendors (cacheable, ETag)'],
  ['vendor api keys', "A vendor's API keys (admin role)"],
  ['products', "A vendor's catalogue: create, read, replace, change, delete, compare"],
  ['search', 'Full-text catalogue search with filters'],
  ['customers', 'Customers and their health profiles (admin and editor roles; every access audited)'],
  ['diet rules', 'What each health condition limits, per vendor'],
  ['webhooks', 'Endpoints that receive signed events (Standard Webhooks), deliveries, replays'],
  ['ingestion', 'CSV ingestion: a job, its resumable upload (TUS 1.0), progress, rejected rows, feeds'],
  ['audit', "The vendor's audit log (admin role)"],
  ['admin', 'The platform admin (`X-Admin-Key`): vendors and report statistics'],
  ['operations', 'Liveness and readiness'],
];

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Nutrition Reports Platform API')
    .setDescription(
      [
        'Consumers walk the 4-step calculator, pay for a tier and read their report through a secret token.',
        'Vendors (B2B tenants) manage catalogues and customers, search, get matches and receive signed webhooks.',
        '',
        'Every error has one shape: `{"error": {"code", "message", "details"}, "request_id"}`; each response',
        'lists its codes. POST, PUT and PATCH accept an `Idempotency-Key` header (required on vendor mutations):',
        'the same key and request within 24 h replays the stored response byte for byte (with',
        '`Idempotent-Replayed: true`); a different request under the same key is a 422; a duplicate while the',
        'first still runs is a 409.',
        '',
        'Outgoing webhook events and how they are signed: the `x-webhooks` section (schemas `WebhookEvent_*`).',
      ].join('\n'),
    )
    .setVersion('1.0')
    .setLicense('Proprietary', 'https://example.invalid/terms')
    .addServer('/', 'This server')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Vendor API key (vk_…) or HS256 JWT' },
      'vendor',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Session-Token',
        description:
          'The calculator session token from POST /api/v1/calculator/sessions (Authorize once; every calculator call sends it)',
      },
      'session',
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Admin-Key', description: 'The platform admin key' },
      'admin',
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const doc = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}_${method}`,
    extraModels: Object.values(EVENT_DATA).map((e) => e.data),
  });
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas['Error'] = ERROR_SCHEMA;
  doc.components.parameters = {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      description:
        'Makes the request safe to retry: the same key and body within 24 h replay the first response',
    },
    IdempotencyKeyRequired: {
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      description:
        'Required here (`idempotency_key_required`): the same key and body within 24 h replay the first response',
    },
  };
  finishOperations(doc);
  requestExamples(doc);
  nullableEnums(doc.components.schemas);
  requestDefaults(doc.components.schemas);
  webhooks(doc);
  return doc;
}

export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Nutrition Reports Platform API',
  });
}
