import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A secret as stored at rest: AES-256-GCM ciphertext with the id of the key that sealed it. */
export interface SealedSecret {
  /** Id of the key in the key ring; keeps old secrets readable after the active key changes. */
  readonly keyId: string;
  /** 12-byte nonce, base64. */
  readonly iv: string;
  /** 16-byte GCM authentication tag, base64. */
  readonly tag: string;
  /** base64. */
  readonly ciphertext: string;
}

/** The key ring could not open a secret: unknown key id, wrong key, tampered data or context. */
export class SecretOpenError extends Error {
  constructor(readonly keyId: string, reason: string) {
    super(`cannot decrypt a secret sealed with key "${keyId}": ${reason}`);
    this.name = 'SecretOpenError';
  }
}

/**
 * Seals and opens secrets with AES-256-GCM. New secrets use the active key; any key still in
 * the ring opens the secrets it sealed, so keys rotate by adding a new active key, re-sealing,
 * then removing the old one. `context` (for example the owning record's id) is bound to the
 * ciphertext as additional authenticated data: a secret copied onto another record won't open.
 */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly activeKeyId: string;

  constructor(keys: ReadonlyMap<string, Buffer>, activeKeyId: string) {
    for (const [id, key] of keys) {
      if (key.length !== 32) throw new Error(`encryption key "${id}" must be 32 bytes, got ${key.length}`);
    }
    if (!keys.has(activeKeyId)) throw new Error(`active encryption key "${activeKeyId}" is not in the key ring`);
    this.keys = keys;
    this.activeKeyId = activeKeyId;
  }

  seal(plaintext: string, context: string): SealedSecret {
    const key = this.keys.get(this.activeKeyId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.activeKeyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  open(secret: SealedSecret, context: string): string {
    const key = this.keys.get(secret.keyId);
    if (!key) throw new SecretOpenError(secret.keyId, 'the key is not in the key ring');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(secret.iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(secret.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretOpenError(secret.keyId, 'authentication failed (wrong key, or the data or its context changed)');
    }
  }

  /** True when the secret was sealed with an older key and should be re-sealed. */
  needsReseal(secret: SealedSecret): boolean {
    return secret.keyId !== this.activeKeyId;
  }
}
