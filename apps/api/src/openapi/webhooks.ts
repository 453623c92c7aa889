import type { OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { EVENT_DATA, EVENT_TYPES, eventEnvelopeSchema } from '#libs/webhooks';

/** The outgoing events, as Redoc's `x-webhooks`: what a vendor's endpoint receives and how to verify it. */
export function webhooks(doc: OpenAPIObject): void {
  const schemas = (doc.components!.schemas ??= {});
  const signed: ParameterObject[] = [
    {
      name: 'webhook-id',
      in: 'header',
      required: true,
      schema: { type: 'string' },
      description: 'The event id; the same on every retry (de-duplicate on it)',
    },
    {
      name: 'webhook-timestamp',
      in: 'header',
      required: true,
      schema: { type: 'string' },
      description: 'Unix seconds; refuse deliveries older than 5 minutes',
    },
    {
      name: 'webhook-signature',
      in: 'header',
      required: true,
      schema: { type: 'string' },
      description:
        'Space-separated `v1,<base64 HMAC-SHA256(id.timestamp.body)>` under each active secret (two during a rotation); verify with any Standard Webhooks library',
    },
  ];
  const hooks: Record<string, unknown> = {};
  for (const type of EVENT_TYPES) {
    const { data, summary } = EVENT_DATA[type];
    const name = `WebhookEvent_${type.replace(/\./g, '_')}`;
    schemas[name] = eventEnvelopeSchema(type, `#/components/schemas/${data.name}`) as SchemaObject;
    hooks[type] = {
      post: {
        operationId: `webhook_${type.replace(/\./g, '_')}`,
        summary,
        tags: ['webhooks'],
        security: [],
        parameters: signed,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
        },
        responses: {
          '200': { description: 'Any 2xx acknowledges the delivery' },
          '410': { description: 'The endpoint is gone: it is disabled, no retries' },
        },
      },
    };
  }
  (doc as OpenAPIObject & { 'x-webhooks': unknown })['x-webhooks'] = hooks;
}
