export * from './address-policy.js';
export * from './events.service.js';
export * from './signing.js';
export * from './webhooks-http.module.js';
export * from './webhooks.module.js';
export * from './webhooks.service.js';
export { guardedDownload, DownloadError, urlProblem, type DownloadPolicy } from './http-delivery.js';
export * from './webhook-events.dto.js';
