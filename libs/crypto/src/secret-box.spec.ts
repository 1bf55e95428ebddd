import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SecretBox, SecretOpenError } from './secret-box.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('SecretBox', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox(new Map([['k1', k1]]), 'k1');
    const sealed = box.seal('s3cr3t-token', 'cluster:a');
    expect(JSON.stringify(sealed)).not.toContain('s3cr3t-token');
    expect(sealed.keyId).toBe('k1');
    expect(box.open(sealed, 'cluster:a')).toBe('s3cr3t-token');
  });

  it('uses a fresh nonce for every seal', () => {
    const box = new SecretBox(new Map([['k1', k1]]), 'k1');
    expect(box.seal('x', 'c').iv).not.toBe(box.seal('x', 'c').iv);
  });

  it('opens secrets of an older key after rotation and says they need resealing', () => {
    const old = new SecretBox(new Map([['k1', k1]]), 'k1').seal('token', 'c');
    const rotated = new SecretBox(new Map([['k1', k1], ['k2', k2]]), 'k2');
    expect(rotated.open(old, 'c')).toBe('token');
    expect(rotated.needsReseal(old)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('token', 'c'))).toBe(false);
  });

  it.each([
    ['another context', (s: ReturnType<SecretBox['seal']>) => s, 'other'],
    ['tampered ciphertext', (s: ReturnType<SecretBox['seal']>) => ({ ...s, ciphertext: Buffer.from('tampered!!!!').toString('base64') }), 'c'],
    ['a removed key', (s: ReturnType<SecretBox['seal']>) => ({ ...s, keyId: 'gone' }), 'c'],
  ])('refuses to open with %s, without echoing the secret', (_, mutate, context) => {
    const box = new SecretBox(new Map([['k1', k1]]), 'k1');
    const sealed = mutate(box.seal('token-value', 'c'));
    expect(() => box.open(sealed, context)).toThrow(SecretOpenError);
    try {
      box.open(sealed, context);
    } catch (error) {
      expect(String(error)).not.toContain('token-value');
    }
  });

  it('rejects keys of the wrong size and an active key outside the ring', () => {
    expect(() => new SecretBox(new Map([['k1', randomBytes(16)]]), 'k1')).toThrow(/32 bytes/);
    expect(() => new SecretBox(new Map([['k1', k1]]), 'k2')).toThrow(/not in the key ring/);
  });
});
