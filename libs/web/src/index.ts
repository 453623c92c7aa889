export * from './web.module.js';
