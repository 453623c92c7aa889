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

describe('redactUrl: query strings by name and by value shape', () => {
  const token = 'Zx3kQ9_abcdefghijklmnopqrstuvwxyz0123456789';
  it.each([
    [`/api/v1/x?api_key=vk_${token}`, '/api/v1/x?api_key=[redacted]'],
    [`/api/v1/x?anything=vk_${token}`, '/api/v1/x?anything=[redacted]'],
    [`/r/x?t=${token}`, '/r/[redacted]?t=[redacted]'],
    [
      '/calculator/paid?checkout%5Fsession%5Fid=cs_sandbox_0123456789abcdef',
      '/calculator/paid?checkout%5Fsession%5Fid=[redacted]',
    ],
    ['/calculator/paid?CHECKOUT-SESSION-ID=abc', '/calculator/paid?CHECKOUT-SESSION-ID=[redacted]'],
    ['/calculator/paid?id=cs_test_a1b2c3d4e5f6', '/calculator/paid?id=[redacted]'],
    ['/x?jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', '/x?jwt=[redacted]'],
    [`/x?q=%76k_${token}`, '/x?q=[redacted]'],
    ['/x?q=chocolate&limit=10', '/x?q=chocolate&limit=10'],
    ['/x?id=2f1e0b8a-5c1d-4e6f-9a7b-0c1d2e3f4a5b', '/x?id=2f1e0b8a-5c1d-4e6f-9a7b-0c1d2e3f4a5b'],
    [`/x?a=1#t=${token}`, '/x?a=1#[redacted]'],
  ])('%s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
