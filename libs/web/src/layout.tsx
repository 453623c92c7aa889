import type { ComponentChildren, VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { REPORT_CSS } from '#libs/reports';

/**
 * The shell of every server-rendered page: the site's one stylesheet (inline, allowed by its hash),
 * the site header and one <main>. No script: every page works with JavaScript off.
 * Text and attributes are escaped by the renderer (Preact); nothing here takes raw HTML except the
 * stylesheet constant.
 */
export function Layout(props: { title: string; children: ComponentChildren; nav?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <link rel="icon" href="data:," />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: REPORT_CSS }} />
      </head>
      <body>
        <header class="site-header">
          <nav aria-label="Site">
            <a class="brand" href="/">
              Nutrition Reports
            </a>
            <a href="/calculator">Calculator</a>
          </nav>
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** A page as the HTML document sent. */
export function renderPage(page: VNode): string {
  return `<!doctype html>\n${render(page)}`;
}
