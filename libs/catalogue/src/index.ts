export * from './catalogue-http.module.js';
export * from './catalogue.module.js';
export * from './product.types.js';
export * from './products.service.js';
export * from './search.service.js';
export * from './nutrients.view.js';
export * from './product-codes.js';
export * from './product-units.js';
