export * from './events.service.js';
export * from './signing.js';
export * from './webhooks-http.module.js';
export * from './webhooks.module.js';
export * from './webhooks.service.js';
export * from './webhook-events.dto.js';
export * from './webhooks.entities.js';
