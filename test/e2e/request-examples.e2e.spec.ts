import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { EXAMPLE_IDS, REQUEST_EXAMPLES } from '../../apps/api/src/openapi/request-examples.js';
import { createApiApp } from '../support/api-app.js';
import { toJsonSchema } from '../support/contract.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ADMIN_KEY = 'examples-admin-key-0123456789abcdef';

type Json = Record<string, unknown>;
interface Op {
  security?: Record<string, string[]>[];
  parameters?: {
    name?: string;
    in?: string;
    required?: boolean;
    schema?: Json;
    example?: unknown;
    $ref?: string;
  }[];
  requestBody?: { content?: Record<string, { schema?: Json; example?: unknown }> };
  responses: Record<string, unknown>;
}

/**
 * Swagger UI as a tool: every JSON request body in /docs-json carries an example (what "Example
 * Value" shows and "Try it out" starts from); each example is valid against its own schema; and
 * each, sent to its operation on a running app — with the ids a reader would have put in place of
 * the example's — gets the operation's documented success. In the order a reader would go: a
 * calculator session through checkout, then a vendor from its creation through its webhooks.
 */
describe('documented request examples (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let doc: { paths: Record<string, Record<string, Op>>; components: { schemas: Json } };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(
      testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' }),
    );
    doc = (await app.inject({ url: '/docs-json' })).json();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const operation = (key: string) => {
    const [method, path] = key.split(' ') as [string, string];
    return { method, path, op: doc.paths[path]![method.toLowerCase()]! };
  };
  const jsonBodies = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.requestBody?.content?.['application/json'])
        .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it('gives every JSON request body an example that its own schema accepts', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({
      $id: 'openapi',
      components: {
        schemas: Object.fromEntries(
          Object.entries(doc.components.schemas).map(([k, v]) => [k, toJsonSchema(v)]),
        ),
      },
    });
    const problems: string[] = [];
    for (const { key, op } of jsonBodies()) {
      const media = op.requestBody!.content!['application/json']!;
      if (media.example === undefined) {
        problems.push(`${key}: no example`);
        continue;
      }
      const validate = ajv.compile(toJsonSchema(media.schema) as Json);
      if (!validate(media.example)) problems.push(`${key}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);
    expect(
      jsonBodies()
        .map((b) => b.key)
        .sort(),
    ).toEqual(Object.keys(REQUEST_EXAMPLES).sort());
  });

  it('sends each example to its operation and gets the documented success', async () => {
    const ids: Record<string, string> = {};
    const auth: Record<string, Record<string, string>> = { admin: { 'x-admin-key': ADMIN_KEY } };
    const call = async (
      method: string,
      url: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ) =>
      app.inject({
        method: method as 'POST',
        url,
        headers,
        ...(payload === undefined ? {} : { payload: payload as Json }),
      });

    // what a reader has before the first example: a calculator session (the "create" has no body)
    const session = (await call('POST', '/api/v1/calculator/sessions')).json() as {
      id: string;
      session_token: string;
    };
    ids.session = session.id;
    auth.session = { 'x-session-token': session.session_token };

    const results: string[] = [];
    for (const key of Object.keys(REQUEST_EXAMPLES)) {
      const { method, path, op } = operation(key);
      await before(key);
      const url = urlFor(path, op);
      const scheme = Object.keys(op.security?.[0] ?? {})[0];
      const headers: Record<string, string> = {
        ...(scheme ? auth[scheme] : {}),
        ...(method !== 'GET' ? { 'idempotency-key': randomUUID() } : {}),
      };
      const body = JSON.parse(
        JSON.stringify(op.requestBody!.content!['application/json']!.example)
          .replaceAll(EXAMPLE_IDS.checkout, ids.checkout ?? EXAMPLE_IDS.checkout)
          .replaceAll(EXAMPLE_IDS.productA, ids.product ?? EXAMPLE_IDS.productA)
          .replaceAll(EXAMPLE_IDS.productB, ids.product2 ?? EXAMPLE_IDS.productB),
      );
      const res = await call(method, url, body, headers);
      const success = Object.keys(op.responses)
        .filter((s) => /^2\d\d$/.test(s))
        .sort()[0];
      results.push(
        `${key} → ${res.statusCode}${String(res.statusCode) === success ? '' : ` (documented ${success}): ${res.body.slice(0, 300)}`}`,
      );
      after(key, res.statusCode < 300 ? (res.json() as Json) : {});
    }
    expect(results).toEqual(
      Object.keys(REQUEST_EXAMPLES).map((k) =>
        expect.stringMatching(new RegExp(`^${k.replace(/[{}/]/g, '\\$&')} → 2\\d\\d$`)),
      ),
    );

    /** The path with the reader's own ids, and required query parameters from their documentation. */
    function urlFor(path: string, op: Op): string {
      const filled = path
        .replace('/calculator/sessions/{id}', `/calculator/sessions/${ids.session}`)
        .replace('/admin/vendors/{id}', `/admin/vendors/${ids.vendor}`)
        .replace('/api-keys/{id}', `/api-keys/${ids.apiKey}`)
        .replace('/products/{id}', `/products/${ids.product}`)
        .replace('/customers/{id}', `/customers/${ids.customer}`)
        .replace('/webhooks/endpoints/{id}', `/webhooks/endpoints/${ids.endpoint}`)
        .replace('{checkout_session_id}', ids.checkout ?? '')
        .replace('{condition_code}', 'hypertension');
      expect(filled).not.toMatch(/\{/);
      const query = (op.parameters ?? [])
        .filter((p) => p.in === 'query' && p.required)
        .map(
          (p) =>
            `${p.name}=${encodeURIComponent(String(p.example ?? p.schema?.example ?? (p.schema?.enum as unknown[])[0]))}`,
        );
      return query.length ? `${filled}?${query.join('&')}` : filled;
    }

    /** What a reader does between examples that has no body of its own to show. */
    async function before(key: string) {
      if (key === 'POST /api/v1/calculator/payment/verify') {
        const paid = await call('POST', `/api/v1/payments/sandbox/${ids.checkout}/complete`);
        expect(paid.statusCode).toBe(200);
      }
      if (key === 'POST /api/v1/products/compare') {
        const second = await call(
          'POST',
          '/api/v1/products',
          { external_id: 'SKU-00043', name: 'Beef sticks, smoked', category: 'meat-snacks' },
          { ...auth.vendor, 'idempotency-key': randomUUID() },
        );
        ids.product2 = (second.json() as { id: string }).id;
      }
      if (key === 'POST /api/v1/vendors/compare') {
        const other = await call(
          'POST',
          '/api/v1/admin/vendors',
          { slug: 'green-grocer', name: 'Green Grocer', category: 'grocery' },
          { ...auth.admin, 'idempotency-key': randomUUID() },
        );
        expect(other.statusCode).toBe(201);
      }
    }

    function after(key: string, body: Json) {
      if (key === 'POST /api/v1/payments/checkout') ids.checkout = body.checkout_session_id as string;
      if (key === 'POST /api/v1/admin/vendors') {
        ids.vendor = ((body.vendor as Json | undefined)?.id as string) ?? (body.id as string);
        auth.vendor = { authorization: `Bearer ${(body.api_key as Json).key as string}` };
      }
      if (key === 'POST /api/v1/api-keys')
        ids.apiKey = (body.id as string | undefined) ?? ((body.api_key as Json | undefined)?.id as string);
      if (key === 'POST /api/v1/products') ids.product = body.id as string;
      if (key === 'POST /api/v1/customers') ids.customer = body.id as string;
      if (key === 'POST /api/v1/webhooks/endpoints') ids.endpoint = body.id as string;
    }
  }, 120_000);
});
