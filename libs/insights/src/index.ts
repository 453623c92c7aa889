export * from './insights-http.module.js';
export * from './insights.module.js';
export * from './insights-refresh.service.js';
export * from './insights.types.js';
export * from './insights.entities.js';
