import type { VNode } from 'preact';
import type { FastifyReply } from 'fastify';
import { REPORT_CSS_HASH } from '#libs/reports';
import { renderPage } from './layout.js';

/** What a page route answers: a page (status, where its forms may post), or a redirect. */
export type PageResult =
  | { kind: 'page'; status: number; page: VNode; formTargets?: string[] }
  | { kind: 'redirect'; location: string; cookie?: string };

export const page = (node: VNode, status = 200, formTargets?: string[]): PageResult => ({
  kind: 'page',
  status,
  page: node,
  formTargets,
});

/** 303: after a form post the browser GETs the next page (Post/Redirect/Get: reload re-sends nothing). */
export const redirect = (location: string, cookie?: string): PageResult => ({
  kind: 'redirect',
  location,
  cookie,
});

/**
 * The pages' CSP: no script at all, only the site stylesheet (by hash), forms post only here
 * (and, from the report choice, to the payment provider the checkout redirects to).
 */
export function pageCsp(formTargets: string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${REPORT_CSS_HASH}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export function sendPage(reply: FastifyReply, result: PageResult, opts: { index?: boolean } = {}) {
  reply
    .header('cache-control', 'no-store')
    // pages: no address leaves this site; a redirect (it may answer a URL with a token): none at all
    .header('referrer-policy', result.kind === 'redirect' ? 'no-referrer' : 'same-origin')
    .header('content-security-policy', pageCsp(result.kind === 'page' ? result.formTargets : []));
  if (!opts.index) reply.header('x-robots-tag', 'noindex');
  if (result.kind === 'redirect') {
    if (result.cookie) reply.header('set-cookie', result.cookie);
    return reply.status(303).header('location', result.location).send();
  }
  return reply.status(result.status).type('text/html; charset=utf-8').send(renderPage(result.page));
}
