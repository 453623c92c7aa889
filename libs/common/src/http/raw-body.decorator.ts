/**
 * The request body as received (for signature checks); needs `rawBody: true` on the app. Nest's own
 * decorator, so a handler's parameters say it reads the body (NoBodyInterceptor reads them).
 */
export { RawBody } from '@nestjs/common';
