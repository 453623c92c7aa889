import { forbiddenAddressReason } from './address-policy.js';

describe('forbiddenAddressReason', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '[::ffff:10.0.0.1]',
    'fe80::1',
    'fc00::1',
    'ff02::1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '[::127.0.0.1]',
    // what a URL makes of [::127.0.0.1] and [::93.184.216.34] (WHATWG hosts are normalised)
    new URL('http://[::127.0.0.1]/').hostname,
    new URL('http://[::93.184.216.34]/').hostname,
    '::7f00:1',
  ])('refuses %s', (ip) => {
    expect(forbiddenAddressReason(ip)).toMatch(/address/);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])('allows %s', (ip) => {
    expect(forbiddenAddressReason(ip)).toBeNull();
  });

  it('refuses what is not an address', () => {
    expect(forbiddenAddressReason('localhost')).toMatch(/not an IP address/);
  });
});
