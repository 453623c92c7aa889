import type { NestFastifyApplication } from '@nestjs/platform-fastify';

type Fields = Record<string, string | number | (string | number)[] | undefined>;

/**
 * A browser without script, over `app.inject`: it keeps the cookies the pages set (path-scoped),
 * sends forms as application/x-www-form-urlencoded from this origin, and reads the form token a
 * page rendered. Enough to walk the calculator's pages the way a form-only browser does.
 */
export class FormBrowser {
  private cookies = new Map<string, { value: string; path: string }>();
  readonly origin = 'http://localhost';

  constructor(private readonly app: NestFastifyApplication) {}

  cookieHeader(url: string): string | undefined {
    const path = url.split('?')[0]!;
    const sent = [...this.cookies].filter(([, c]) => path === c.path || path.startsWith(`${c.path}/`));
    return sent.length ? sent.map(([n, c]) => `${n}=${c.value}`).join('; ') : undefined;
  }

  private keep(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (value === '' || attrs.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const cookie = this.cookieHeader(url);
    const res = await this.app.inject({ url, headers: { ...(cookie ? { cookie } : {}), ...headers } });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async post(url: string, fields: Fields, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      for (const item of [v].flat()) body.append(k, String(item));
    }
    const cookie = this.cookieHeader(url);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.origin,
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  /** The form token in a page (every form of a session page carries it). */
  static formToken(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no form token on the page');
    return m[1]!;
  }

  /** GET a form page, then POST to `action` (the page's form, by default) with the page's token. */
  async submit(pageUrl: string, fields: Fields, action = pageUrl, headers: Record<string, string> = {}) {
    const pageRes = await this.get(pageUrl);
    return this.post(action, { _csrf: FormBrowser.formToken(pageRes.body), ...fields }, headers);
  }
}
