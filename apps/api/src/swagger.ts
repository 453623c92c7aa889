import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error', 'request_id'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', example: 'validation_failed' },
        message: { type: 'string', example: 'The request is not valid' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: { field: { type: 'string' }, message: { type: 'string' } },
            additionalProperties: true,
          },
        },
      },
    },
    request_id: { type: 'string', example: '5f1c9b1e-3c2d-4a0e-9d3f-0c8e4f1f2a7b' },
  },
};

const STANDARD_ERRORS: Record<string, string> = {
  '400': 'Validation failed (`validation_failed`), malformed JSON (`invalid_json`) or a bad Idempotency-Key',
  '429': 'Rate limited (`rate_limited`); see the Retry-After header',
  '500': 'Internal error (`internal_error`); no internals are disclosed',
};
const MUTATION_ERRORS: Record<string, string> = {
  '409': 'A request with the same Idempotency-Key is still in progress (`idempotency_in_progress`)',
  '422': 'The Idempotency-Key was used with a different request (`idempotency_key_reused`)',
};

/** Every operation documents the shared error shape for the errors any route can return. */
function addStandardErrors(doc: OpenAPIObject): void {
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas['Error'] = ERROR_SCHEMA as never;
  const ref = { $ref: '#/components/schemas/Error' };
  for (const [path, item] of Object.entries(doc.paths)) {
    if (path.startsWith('/health') || path === '/metrics') continue;
    for (const [method, op] of Object.entries(
      item as Record<string, { responses?: Record<string, unknown> }>,
    )) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      op.responses ??= {};
      const errors = ['post', 'put', 'patch'].includes(method)
        ? { ...STANDARD_ERRORS, ...MUTATION_ERRORS }
        : STANDARD_ERRORS;
      for (const [status, description] of Object.entries(errors)) {
        op.responses[status] ??= { description, content: { 'application/json': { schema: ref } } };
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const r = response as { content?: unknown; description?: string };
        if (Number(status) >= 400 && !r.content) r.content = { 'application/json': { schema: ref } };
      }
    }
  }
}

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Nutrition Reports Platform API')
    .setDescription(
      [
        'Consumers walk the 4-step calculator, pay for a tier and read their report through a secret token.',
        'Vendors (B2B tenants) manage catalogues and customers, search, get matches and receive signed webhooks.',
        '',
        'Every error has one shape: `{"error": {"code", "message", "details"}, "request_id"}`.',
        'POST, PUT and PATCH accept an `Idempotency-Key` header (required on vendor mutations): the same key',
        'and request within 24 h replays the stored response; a different request under the same key is a 422;',
        'a duplicate while the first still runs is a 409.',
      ].join('\n'),
    )
    .setVersion('1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Vendor API key (vk_…) or HS256 JWT' },
      'vendor',
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Session-Token' }, 'session')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Admin-Key' }, 'admin')
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  addStandardErrors(doc);
  return doc;
}

export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Nutrition Reports Platform API',
  });
}
