import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('removes capability tokens from report paths and query strings', () => {
    expect(redactUrl('/r/abcDEF123_-xyz')).toBe('/r/[redacted]');
    expect(redactUrl('/api/v1/reports/abc123/stream?x=1')).toBe('/api/v1/reports/[redacted]/stream?x=1');
    expect(redactUrl('/api/v1/things?token=secret&b=2')).toBe('/api/v1/things?token=[redacted]&b=2');
  });

  it('redacts on the decoded path, as the router matches it', () => {
    const token = 'Zx3kQ9_abcdefghijklmnopqrstuvwxyz0123456789';
    expect(redactUrl(`/api/v1/%72eports/${token}/status`)).toBe('/api/v1/reports/[redacted]/status');
    expect(redactUrl(`/API/v1/Reports/${token}`)).toBe('/API/v1/Reports/[redacted]');
    expect(redactUrl(`//r/${token}`)).toBe('//r/[redacted]');
    // a token-shaped segment anywhere is not logged; a UUID is
    expect(redactUrl(`/api/v1/other/${token}`)).toBe('/api/v1/other/[redacted]');
    expect(redactUrl('/api/v1/customers/2f1e0b8a-5c1d-4e6f-9a7b-0c1d2e3f4a5b')).toBe(
      '/api/v1/customers/2f1e0b8a-5c1d-4e6f-9a7b-0c1d2e3f4a5b',
    );
  });

  it('leaves ordinary paths alone', () => {
    expect(redactUrl('/api/v1/calculator/sessions/123')).toBe('/api/v1/calculator/sessions/123');
  });
});
