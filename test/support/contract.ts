import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * The drift guard: every response a test receives through `app.inject` is checked against the
 * operation in the app's own live `/docs-json` — the status must be declared, a JSON body must
 * match the declared schema (objects may not carry undeclared properties), another body must have
 * a declared media type, and our own response headers (Retry-After, Idempotent-Replayed, ETag)
 * must be declared where they appear. A mismatch throws, so the test that saw it fails.
 */

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<
    string,
    { content?: Record<string, { schema?: Json }>; headers?: Record<string, unknown> }
  >;
}
interface Route {
  template: string;
  pattern: RegExp;
  params: number;
  methods: Record<string, Operation>;
}
interface Contract {
  routes: Route[];
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
}

/** Served, not documented on purpose: Swagger itself, and the Prometheus metrics. */
const UNDOCUMENTED = [/^\/docs/, /^\/metrics$/];
const CHECKED_HEADERS = ['retry-after', 'idempotent-replayed', 'etag'];

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** OpenAPI 3.0 schema → JSON Schema (draft 7) that refuses undeclared properties. */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const s = { ...(node as Json) };
  if (typeof s.$ref === 'string')
    return { $ref: s.$ref.replace('#/components/schemas/', 'openapi#/components/schemas/') };
  for (const key of Object.keys(s)) {
    if (key === 'example' || key === 'examples' || key.startsWith('x-')) delete s[key];
  }
  for (const key of ['items', 'additionalProperties', 'not']) {
    if (s[key] && typeof s[key] === 'object') s[key] = toJsonSchema(s[key]);
  }
  for (const key of ['allOf', 'oneOf', 'anyOf']) if (Array.isArray(s[key])) s[key] = toJsonSchema(s[key]);
  if (s.properties) {
    s.properties = Object.fromEntries(
      Object.entries(s.properties as Json).map(([k, v]) => [k, toJsonSchema(v)]),
    );
    if (s.additionalProperties === undefined) s.additionalProperties = false;
  }
  if (s.nullable === true) {
    delete s.nullable;
    if (s.allOf || s.oneOf || s.anyOf) {
      delete s.type;
      return { anyOf: [{ type: 'null' }, s] };
    }
    if (typeof s.type === 'string') s.type = [s.type, 'null'];
  }
  return s;
}

/** The guard's view of a document: its routes and a validator per response. */
export function contractFromDocument(doc: Json): Contract {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  const components = doc.components as { schemas: Json };
  const schemas = Object.fromEntries(
    Object.entries(components.schemas).map(([k, v]) => [k, toJsonSchema(v)]),
  );
  ajv.addSchema({ $id: 'openapi', components: { schemas } });
  const routes: Route[] = Object.entries(doc.paths as Record<string, Record<string, Operation>>).map(
    ([template, item]) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
      methods: item,
    }),
  );
  routes.sort((a, b) => a.params - b.params); // /products/compare before /products/{id}
  return { routes, ajv, validators: new Map() };
}

export class ContractViolation extends Error {}

export interface InjectedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Checks one response; throws ContractViolation with what differs. */
export function checkResponse(contract: Contract, method: string, url: string, res: InjectedResponse): void {
  const path = decodeURI(url.split('?')[0]!);
  const route = contract.routes.find((r) => r.pattern.test(path));
  const where = `${method} ${path} → ${res.statusCode}`;
  if (!route) {
    if (res.statusCode === 404 || UNDOCUMENTED.some((p) => p.test(path))) return;
    throw new ContractViolation(`${where}: the route is not in the OpenAPI document`);
  }
  const op = route.methods[method.toLowerCase()] ?? (method === 'HEAD' ? route.methods.get : undefined);
  if (!op) {
    if ([404, 405].includes(res.statusCode)) return;
    if (method === 'OPTIONS') return; // CORS preflight
    throw new ContractViolation(`${where}: ${route.template} documents no ${method}`);
  }
  const key = String(res.statusCode);
  const response = op.responses[key] ?? op.responses[`${key[0]}XX`] ?? op.responses.default;
  if (!response) {
    throw new ContractViolation(
      `${where}: status ${key} is not documented (documented: ${Object.keys(op.responses).join(', ')})`,
    );
  }
  const declared = Object.keys(response.headers ?? {}).map((h) => h.toLowerCase());
  for (const h of CHECKED_HEADERS) {
    if (res.headers[h] !== undefined && !declared.includes(h)) {
      throw new ContractViolation(`${where}: header ${h} is sent but not documented`);
    }
  }
  if (res.statusCode === 204 || res.statusCode === 304 || method === 'HEAD' || res.body === '') return;
  const type = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  const media = response.content ?? {};
  if (!media[type]) {
    throw new ContractViolation(
      `${where}: content-type ${type || '(none)'} is not documented (documented: ${Object.keys(media).join(', ') || 'no body'})`,
    );
  }
  if (type !== 'application/json') return;
  const schema = media[type]!.schema;
  if (!schema) throw new ContractViolation(`${where}: the JSON body has no documented schema`);
  const id = `${method} ${route.template} ${key}`;
  let validate = contract.validators.get(id);
  if (!validate) {
    validate = contract.ajv.compile(toJsonSchema(schema) as Json);
    contract.validators.set(id, validate);
  }
  if (!validate(JSON.parse(res.body))) {
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
      );
    throw new ContractViolation(`${where}: the body does not match the document:\n  ${errors.join('\n  ')}`);
  }
}

/**
 * The app, with every `app.inject({...})` checking its response against the app's own document
 * (read once, from the app itself). Nest's application object is a proxy that refuses new
 * properties, so the guard is a proxy around it.
 */
export function guardContract(app: NestFastifyApplication): NestFastifyApplication {
  const inject = app.inject.bind(app) as (opts?: unknown) => Promise<InjectedResponse>;
  let contract: Promise<Contract> | undefined;
  const guardedInject = async (opts?: unknown) => {
    if (opts === undefined) return inject();
    contract ??= inject({ url: '/docs-json' }).then((r) => contractFromDocument(JSON.parse(r.body) as Json));
    const res = await inject(opts);
    const o = (typeof opts === 'string' ? { url: opts } : opts) as {
      method?: string;
      url?: string;
      path?: string;
    };
    checkResponse(await contract, (o.method ?? 'GET').toUpperCase(), o.url ?? o.path ?? '/', res);
    return res;
  };
  return new Proxy(app, {
    get: (target, prop) => (prop === 'inject' ? guardedInject : Reflect.get(target, prop, target)),
  });
}

/** The document, as the guard reads it (for tests that look at it directly). */
export async function liveDocument(app: NestFastifyApplication): Promise<Json> {
  const res = await app.inject({ url: '/docs-json' });
  return JSON.parse(res.body) as Json;
}
