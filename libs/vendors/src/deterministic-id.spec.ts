import { uuidV5 } from './deterministic-id.js';

describe('uuidV5', () => {
  it('matches the RFC 4122 / Python uuid.uuid5 reference vector', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('is deterministic per (namespace, name) and differs across namespaces', () => {
    const a = '11111111-1111-4111-8111-111111111111';
    const b = '22222222-2222-4222-8222-222222222222';
    expect(uuidV5(a, 'SKU-1')).toBe(uuidV5(a, 'SKU-1'));
    expect(uuidV5(a, 'SKU-1')).not.toBe(uuidV5(b, 'SKU-1'));
    expect(uuidV5(a, 'SKU-1')).toMatch(/^[0-9a-f-]{14}5[0-9a-f]{3}-[89ab]/);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('vendor-1', 'x')).toThrow(/namespace/);
  });
});
