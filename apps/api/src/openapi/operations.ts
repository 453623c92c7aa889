/** What every operation of the document says that no single decorator can: security, headers, errors. */
import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';

export const ERROR_SCHEMA: SchemaObject = {
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
          description: 'One entry per problem; for validation, one per invalid field',
          items: {
            type: 'object',
            required: ['message'],
            properties: {
              field: { type: 'string', example: 'last_name' },
              constraint: { type: 'string', example: 'required' },
              message: { type: 'string', example: 'last_name is required' },
            },
            additionalProperties: true,
          },
        },
      },
    },
    request_id: { type: 'string', example: '5f1c9b1e-3c2d-4a0e-9d3f-0c8e4f1f2a7b' },
  },
};

/** The errors any route can answer, with the code each carries. */
const STANDARD_ERRORS: Record<string, [string, string]> = {
  '400': [
    'Validation failed (`validation_failed`, one detail per invalid field), malformed JSON (`invalid_json`) or a bad Idempotency-Key (`invalid_idempotency_key`)',
    'validation_failed',
  ],
  '429': ['Rate limited (`rate_limited`); see the Retry-After header', 'rate_limited'],
  '500': ['Internal error (`internal_error`); no internals are disclosed', 'internal_error'],
};
const MUTATION_ERRORS: Record<string, [string, string]> = {
  '409': [
    'A request with the same Idempotency-Key is still in progress (`idempotency_in_progress`)',
    'idempotency_in_progress',
  ],
  '422': [
    'The Idempotency-Key was used with a different request (`idempotency_key_reused`)',
    'idempotency_key_reused',
  ],
};
const BODY_ERRORS: Record<string, [string, string]> = {
  '413': ['The body is too large (`payload_too_large`)', 'payload_too_large'],
  '415': ['The body is not `application/json` (`unsupported_media_type`)', 'unsupported_media_type'],
};
const DEFAULT_CODE: Record<string, string> = {
  '400': 'validation_failed',
  '401': 'credentials_required',
  '403': 'role_forbidden',
  '404': 'not_found',
  '409': 'conflict',
  '410': 'gone',
  '413': 'payload_too_large',
  '415': 'unsupported_media_type',
  '422': 'unprocessable_entity',
  '429': 'rate_limited',
  '500': 'internal_error',
  '503': 'unavailable',
};

const header = (description: string, schema: SchemaObject = { type: 'string' }): HeaderObject => ({
  description,
  schema,
});
const REQUEST_ID = header('The request id (echoed when the client sent a sane one); errors carry it too');

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Op = OperationObject & Record<string, unknown>;

/** The first `code` named in a response description (`product_not_found` …), else the status's. */
function codeOf(status: string, description: string | undefined): string {
  const named = /`([a-z][a-z0-9_]+)`/.exec(description ?? '');
  return named?.[1] ?? DEFAULT_CODE[status] ?? 'error';
}

function errorResponse(status: string, description: string): ResponseObject {
  return { description, content: jsonError(status, description) };
}

function jsonError(status: string, description: string) {
  return {
    'application/json': {
      schema: { $ref: '#/components/schemas/Error' },
      example: {
        error: { code: codeOf(status, description), message: description.replace(/`/g, ''), details: [] },
        request_id: '5f1c9b1e-3c2d-4a0e-9d3f-0c8e4f1f2a7b',
      },
    },
  };
}

/**
 * What the decorators cannot say once per route, said here for every operation: `security` (`[]`
 * for public routes), the Idempotency-Key header (required where the server requires it), the
 * session's 401, the errors any route can answer with their codes as examples, and the response
 * headers every answer carries.
 */
export function finishOperations(doc: OpenAPIObject): void {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Op | undefined;
      if (!op) continue;
      op.security ??= [];
      const params = (op.parameters ??= []) as ParameterObject[];
      const mutation = ['post', 'put', 'patch'].includes(method);
      const idempotency = op['x-idempotency'] as string | undefined;
      if (mutation && idempotency !== 'off' && !params.some((p) => p.name === 'Idempotency-Key')) {
        params.push({
          $ref:
            idempotency === 'required'
              ? '#/components/parameters/IdempotencyKeyRequired'
              : '#/components/parameters/IdempotencyKey',
        } as never);
      }
      // the session token is the `session` security scheme only (Authorize in Swagger UI sends it)
      const session = op.security.some((s: Record<string, string[]>) => 'session' in s);
      if (params.length === 0) delete op.parameters;

      op.responses ??= {};
      if (path.startsWith('/health')) continue;
      const errors = {
        ...STANDARD_ERRORS,
        ...(mutation && idempotency !== 'off' ? MUTATION_ERRORS : {}),
        ...(op.requestBody ? BODY_ERRORS : {}),
      };
      if (session) {
        op.responses['401'] ??= errorResponse(
          '401',
          '`session_token_required` or `invalid_session_token`: the X-Session-Token of this session is needed',
        );
      }
      for (const [status, [description]] of Object.entries(errors)) {
        op.responses[status] ??= errorResponse(status, description);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const r = response as ResponseObject;
        if (Number(status) >= 400 && !r.content) r.content = jsonError(status, r.description ?? '');
        r.headers = { 'X-Request-Id': REQUEST_ID, ...r.headers };
        if (status === '429' || status === '503') {
          r.headers['Retry-After'] = header('Seconds to wait before trying again', { type: 'integer' });
        }
        if (op['x-tus'] && Number(status) >= 400 && r.content) {
          // errors the TUS server itself writes (offset mismatch, size limit) are plain text
          r.content['text/plain'] = { schema: { type: 'string' } };
        }
        // 2xx and 4xx answers are stored and replayed under their Idempotency-Key
        if (Number(status) < 500 && mutation && idempotency !== 'off') {
          r.headers['Idempotent-Replayed'] = header(
            '`true` when this is the stored response of an earlier request with the same Idempotency-Key',
            { type: 'string', enum: ['true'] },
          );
        }
        if ((status === '200' || status === '304') && op['x-cacheable'] !== undefined) {
          r.headers['ETag'] = header('The representation’s tag; send it back in If-None-Match');
          r.headers['Cache-Control'] = header('public, max-age=…, stale-while-revalidate=…');
        }
      }
    }
  }
}

/** OpenAPI 3.0 reads `nullable` with `enum` only when the enum itself lists null. */
export function nullableEnums(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(nullableEnums);
  const s = node as SchemaObject;
  // a new array: the schema's enum may be the very constant validators use (DIET_TYPE.values)
  if (s.nullable && Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
  for (const v of Object.values(s)) nullableEnums(v);
}

/**
 * A request field's default is applied by the server; said in its description rather than as
 * `default`, which generators (openapi-typescript) read as "always present" and so make required.
 */
export function requestDefaults(schemas: Record<string, unknown>): void {
  for (const [name, schema] of Object.entries(schemas)) {
    if (!/(Dto|Query)$/.test(name)) continue;
    for (const p of Object.values((schema as SchemaObject).properties ?? {}) as SchemaObject[]) {
      if (p.default === undefined) continue;
      p.description = `${p.description ? `${p.description}. ` : ''}Default: \`${JSON.stringify(p.default)}\``;
      delete p.default;
    }
  }
}

/** The outgoing events, as Redoc's `x-webhooks`: what a vendor's endpoint receives and how to verify it. */
