import type { ComponentChildren } from 'preact';
import { EmailField, SingleErrorSummary } from './form-fields.js';
import { Layout } from './layout.js';

export function LandingPage(p: { devMail: boolean }) {
  return (
    <Layout title="Nutrition Reports — your personalised nutrition report">
      <h1>Your personalised nutrition report</h1>
      <p class="lead">
        Four short steps: your body, your activity and goal, your daily targets, and your health. We calculate
        your calories and macros on the spot; a personalised report — a plan, timelines, grocery lists and
        more, depending on the report you choose — follows within minutes, as a web page and a PDF.
      </p>
      <div class="actions">
        <a class="button" href="/calculator">
          Start the calculator
        </a>
      </div>
      <p>Your answers are saved as you go: you can e-mail yourself a link and finish later.</p>
      <h2>For developers</h2>
      <ul>
        <li>
          <a href="/docs">API reference (Swagger UI)</a> — every route, with examples you can send
        </li>
        <li>
          <a href="/health">Health</a> and <a href="/health/ready">readiness</a>
        </li>
        {p.devMail ? (
          <li>
            <a href="/dev/mail">Outgoing mail</a> (development: no SMTP server is configured)
          </li>
        ) : null}
      </ul>
    </Layout>
  );
}

export function StartPage(p: {
  inProgress: { step: number } | null;
  csrf: string | null;
  email?: string;
  emailError?: string;
}) {
  return (
    <Layout title={`${p.emailError ? 'Error: ' : ''}Nutrition calculator`}>
      <SingleErrorSummary fieldId="resume-email" error={p.emailError} />
      <h1>Nutrition calculator</h1>
      {p.inProgress ? (
        <>
          <p>You have a calculator in progress on this device.</p>
          <div class="actions">
            <a class="button" href={`/calculator/steps/${p.inProgress.step}`}>
              Continue at step {p.inProgress.step}
            </a>
            <form class="inline" method="post" action="/calculator/start">
              {p.csrf ? <input type="hidden" name="_csrf" value={p.csrf} /> : null}
              <button type="submit" class="secondary">
                Start again
              </button>
            </form>
          </div>
        </>
      ) : (
        <>
          <p class="lead">Four steps, about five minutes. Nothing is charged until you choose a report.</p>
          <form method="post" action="/calculator/start">
            <button type="submit">Start</button>
          </form>
        </>
      )}
      <section class="later" aria-labelledby="resume-title">
        <h2 id="resume-title">Continue on another device</h2>
        <form method="post" action="/calculator/resume-link" novalidate>
          <EmailField
            id="resume-email"
            value={p.email}
            error={p.emailError}
            hint="If you saved a calculator with this address, we e-mail you a link to it."
          />
          <button type="submit" class="secondary">
            E-mail me a link
          </button>
        </form>
      </section>
    </Layout>
  );
}

/** A page that says one thing (a result, or why something cannot be done) and where to go next. */
export function MessagePage(p: {
  title: string;
  text: string;
  actions?: { href: string; label: string }[];
  children?: ComponentChildren;
}) {
  return (
    <Layout title={p.title}>
      <div class="error-page">
        <h1>{p.title}</h1>
        <p>{p.text}</p>
        {p.children}
        {p.actions?.length ? (
          <div class="actions">
            {p.actions.map((a, i) => (
              <a class={i === 0 ? 'button' : undefined} href={a.href}>
                {a.label}
              </a>
            ))}
          </div>
        ) : null}
      </div>
    </Layout>
  );
}

export interface OutboxEntry {
  id: string;
  to_address: string;
  subject: string;
  status: string;
  created_at: Date;
  text_body: string | null;
}

export function DevMailList(p: { messages: OutboxEntry[] }) {
  return (
    <Layout title="Outgoing mail (development)">
      <h1>Outgoing mail</h1>
      <p>
        No SMTP server is configured, so mail is kept here instead of sent (development only; this page does
        not exist in production).
      </p>
      {p.messages.length === 0 ? (
        <p>No mail yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
            </tr>
          </thead>
          <tbody>
            {p.messages.map((m) => (
              <tr>
                <td>{m.created_at.toISOString().replace('T', ' ').slice(0, 19)}</td>
                <td>{m.to_address}</td>
                <td>
                  <a href={`/dev/mail/${m.id}`}>{m.subject}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const URL_IN_TEXT = /(https?:\/\/[^\s<>"]+)/g;

export function DevMailMessage(p: { message: OutboxEntry }) {
  const m = p.message;
  const parts = (m.text_body ?? '').split(URL_IN_TEXT);
  return (
    <Layout title={`${m.subject} — outgoing mail`}>
      <p>
        <a href="/dev/mail">All mail</a>
      </p>
      <h1>{m.subject}</h1>
      <p>
        To {m.to_address}, {m.created_at.toISOString().replace('T', ' ').slice(0, 19)} UTC
      </p>
      {m.text_body === null ? (
        <p>The body was cleared (mail kept without SMTP is cleared after MAIL_STORED_BODY_HOURS).</p>
      ) : (
        <div class="mail-body">
          {parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}
        </div>
      )}
    </Layout>
  );
}
