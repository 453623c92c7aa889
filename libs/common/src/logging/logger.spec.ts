import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('removes capability tokens from report paths and query strings', () => {
    expect(redactUrl('/r/abcDEF123_-xyz')).toBe('/r/[redacted]');
    expect(redactUrl('/api/v1/reports/abc123/stream?x=1')).toBe('/api/v1/reports/[redacted]/stream?x=1');
    expect(redactUrl('/api/v1/things?token=secret&b=2')).toBe('/api/v1/things?token=[redacted]&b=2');
  });

  it('leaves ordinary paths alone', () => {
    expect(redactUrl('/api/v1/calculator/sessions/123')).toBe('/api/v1/calculator/sessions/123');
  });
});
