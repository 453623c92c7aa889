import { normaliseAddress } from './client-ip.js';

describe('normaliseAddress', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.7:1234', '203.0.113.7'],
    [' 198.51.100.2 ', '198.51.100.2'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:192.0.2.9', '192.0.2.9'],
    ['999.1.1.1', null],
    ['1.2.3', null],
    ['evil.example', null],
    ['203.0.113.7:99999999', null],
    ["1.1.1.1'; DROP TABLE x; --", null],
    ['', null],
    [undefined, null],
  ])('%p → %p', (raw, expected) => {
    expect(normaliseAddress(raw)).toBe(expected);
  });
});
