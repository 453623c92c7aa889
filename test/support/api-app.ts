import { createApiApp as createApp } from '../../apps/api/src/api.app.js';
import { guardContract } from './contract.js';

/**
 * The api app as the tests use it: every `inject` is checked against the live OpenAPI document
 * (see contract.ts), so a response that drifts from the documentation fails the test that saw it.
 */
export async function createApiApp(...args: Parameters<typeof createApp>): ReturnType<typeof createApp> {
  return guardContract(await createApp(...args));
}
