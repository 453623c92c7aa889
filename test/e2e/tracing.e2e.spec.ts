import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpCall, payForReport } from '../../bench/support/http-funnel.js';
import { AppProcesses } from '../support/app-processes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { waitFor } from '../support/wait.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string } }[];
}
interface Received extends OtlpSpan {
  service: string;
}

/** An OTLP/HTTP (JSON) trace receiver on loopback: what a collector would get. */
function otlpReceiver(): Promise<{ url: string; spans: Received[]; close(): void }> {
  const spans: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const doc = JSON.parse(body) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: OtlpSpan[] }[];
          }[];
        };
        for (const rs of doc.resourceSpans) {
          const service =
            rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ ...s, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        spans,
        close: () => server.close(),
      }),
    ),
  );
}

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * OpenTelemetry on the built processes with an OTLP endpoint set: one trace from the request that
 * paid to the report job, its statements and the mail job it sent.
 */
describe('tracing: a paid report is one trace across the api and the worker (e2e)', () => {
  let db: TestDatabase;
  let apps: AppProcesses;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let dataDir: string;
  const smtp = new SmtpReceiver();

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await otlpReceiver();
    await smtp.start();
    dataDir = mkdtempSync(join(tmpdir(), 'nrp-trace-'));
    chmodSync(dataDir, 0o755);
    apps = await new AppProcesses({
      NODE_ENV: 'development',
      DATABASE_URL: db.url,
      PAYMENTS_ENABLED: 'true',
      SMTP_URL: smtp.url,
      DATA_DIR: dataDir,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    }).start();
  }, 120_000);

  afterAll(async () => {
    await apps?.kill();
    receiver?.close();
    await smtp.stop();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('links the paying request, the report job, its statements and the mail job it sent', async () => {
    const token = await payForReport(apps.base, 3, { headers: { 'x-request-id': `trace-${randomUUID()}` } });
    await waitFor(async () => {
      const s = await httpCall(apps.base, 'GET', `/api/v1/reports/${token}/status`);
      return s.status === 'completed' ? true : undefined;
    }, 30_000);
    const job = await waitFor(
      async () => receiver.spans.find((s) => s.name === 'report.generate process' && s.kind === CONSUMER),
      20_000,
      100,
    );
    expect(job.service).toBe('nutrition-worker');
    const mail = await waitFor(
      async () => receiver.spans.find((s) => s.name === 'mail.send process' && s.traceId === job.traceId),
      20_000,
      100,
    );
    expect(mail.service).toBe('nutrition-worker');
    const trace = receiver.spans.filter((s) => s.traceId === job.traceId);
    const send = trace.find((s) => s.name === 'report.generate send' && s.kind === PRODUCER);
    expect(send?.service).toBe('nutrition-api');
    expect(job.parentSpanId).toBe(send!.spanId);
    // the api's request span is the root the send span descends from
    const server = trace.find((s) => s.kind === SERVER && s.service === 'nutrition-api');
    expect(server).toBeDefined();
    // statements on both sides (the pg instrumentation)
    const statements = trace.filter((s) => s.attributes?.some((a) => a.key.startsWith('db.')));
    expect(new Set(statements.map((s) => s.service))).toEqual(new Set(['nutrition-api', 'nutrition-worker']));
  }, 90_000);
});
