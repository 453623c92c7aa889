export * from './key-ring.js';
export * from './vault.module.js';
export * from './vault.service.js';
export * from './vault.entities.js';
