import { ApiProperty } from '@nestjs/swagger';
import type { EventType } from './events.service.js';

/** What each event's `data` holds: the one description the docs' webhooks section is built from. */
export class IngestionCompletedData {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ enum: ['products', 'customers'] }) mode!: string;
  @ApiProperty({ type: 'integer' }) rows_total!: number;
  @ApiProperty({ type: 'integer' }) rows_inserted!: number;
  @ApiProperty({ type: 'integer' }) rows_updated!: number;
  @ApiProperty({ type: 'integer' }) rows_unchanged!: number;
  @ApiProperty({ type: 'integer' }) rows_failed!: number;
}

export class IngestionFailedData {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ enum: ['products', 'customers'] }) mode!: string;
  @ApiProperty({ example: 'the header has no name column' }) error!: string;
  @ApiProperty({ type: 'integer', nullable: true }) rows_total!: number | null;
  @ApiProperty({ type: 'integer' }) rows_failed!: number;
}

export class HealthProfileUpdatedData {
  @ApiProperty({
    format: 'uuid',
    description: 'Fetch the profile to see what changed (no health data is sent)',
  })
  customer_id!: string;
}

export class CustomerDeletedData {
  @ApiProperty({ format: 'uuid', description: 'The erased customer (nothing else about them is sent)' })
  customer_id!: string;
}

export class ProductDeletedData {
  @ApiProperty({ format: 'uuid' }) product_id!: string;
  @ApiProperty() external_id!: string;
}

export class WebhookTestData {
  @ApiProperty({ format: 'uuid' }) endpoint_id!: string;
  @ApiProperty({ example: 'This is a test event.' }) message!: string;
}

export const EVENT_DATA: Record<EventType, { data: new () => unknown; summary: string }> = {
  'ingestion.completed': { data: IngestionCompletedData, summary: 'An ingest job finished' },
  'ingestion.failed': { data: IngestionFailedData, summary: 'An ingest job failed' },
  'customer.health_profile.updated': {
    data: HealthProfileUpdatedData,
    summary: "A customer's health profile changed",
  },
  'customer.deleted': {
    data: CustomerDeletedData,
    summary: 'A customer was erased (their identity and health data are gone): erase your copy',
  },
  'product.deleted': { data: ProductDeletedData, summary: 'A product was deleted' },
  'webhook.test': { data: WebhookTestData, summary: 'Sent by POST /webhooks/endpoints/{id}/test' },
};

/** The envelope every delivery's body is (Standard Webhooks): `data` depends on `type`. */
export const eventEnvelopeSchema = (type: EventType, dataRef: string) => ({
  type: 'object',
  required: ['id', 'type', 'timestamp', 'data'],
  properties: {
    id: {
      type: 'string',
      example: 'msg_2b8f…',
      description: 'Also the webhook-id header; the same on every retry',
    },
    type: { type: 'string', enum: [type] },
    timestamp: { type: 'string', format: 'date-time' },
    data: { $ref: dataRef },
  },
});
