export * from './mail.module.js';
export * from './mail.service.js';
export * from './templates.js';
export * from './mail-delivery.service.js';
export * from './mail.entities.js';
export * from './dev-mailbox.js';
export type { StoredMessage } from './mail-outbox.repository.js';
