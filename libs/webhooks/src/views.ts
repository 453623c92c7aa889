import type { DeliveryRow } from './deliveries.repository.js';
import type { EndpointRow } from './endpoints.repository.js';
import type { DeliveryView, EndpointView } from './webhooks.dto.js';

export const endpointView = (e: EndpointRow): EndpointView => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  enabled: e.enabled,
  disabled_reason: e.disabled_reason,
  previous_secret_until: e.previous_secret_until,
  failing_since: e.failing_since,
  created_at: e.created_at,
  updated_at: e.updated_at,
});

export const deliveryView = (d: DeliveryRow): DeliveryView => {
  const { created_key: _, ...rest } = d;
  return rest;
};
