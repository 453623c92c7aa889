export * from './mail.module.js';
export * from './mail.service.js';
export * from './templates.js';
export * from './mail-delivery.service.js';
export * from './mail.entities.js';
