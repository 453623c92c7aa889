import { randomBytes } from 'node:crypto';
import { open, seal } from './cipher.js';
import { KeyRing, parseMasterKey } from './key-ring.js';

const key = parseMasterKey(randomBytes(32).toString('hex'));

describe('vault cipher (AES-256-GCM)', () => {
  it('round-trips and never repeats a nonce or ciphertext', () => {
    const a = seal(key, 's1', 'whsec_secret');
    const b = seal(key, 's1', 'whsec_secret');
    expect(open(key, 's1', a)).toBe('whsec_secret');
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString('utf8')).not.toContain('whsec');
    expect(a.keyId).toBe(key.id);
  });

  it('refuses a ciphertext moved to another secret id, tampered, or opened with another key', () => {
    const s = seal(key, 's1', 'x');
    expect(() => open(key, 's2', s)).toThrow();
    const tampered = { ...s, ciphertext: Buffer.from(s.ciphertext) };
    tampered.ciphertext[0]! ^= 1;
    expect(() => open(key, 's1', tampered)).toThrow();
    expect(() => open(parseMasterKey(randomBytes(32).toString('base64')), 's1', s)).toThrow();
  });

  it('names keys by a stable id and finds previous keys in the ring', () => {
    const old = parseMasterKey(randomBytes(32).toString('hex'));
    const ring = new KeyRing(key, [old]);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(parseMasterKey(key.key.toString('base64')).id).toBe(key.id);
    expect(ring.find(old.id)).toBe(old);
    expect(ring.find('nope')).toBeUndefined();
    expect(() => parseMasterKey('short')).toThrow(/32 bytes/);
  });
});
