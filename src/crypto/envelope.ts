import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// AES-256-GCM under the master key. Format: "v1.<iv>.<tag>.<ciphertext>" (base64url).
// `aad` binds a ciphertext to its row (e.g. the key id), so values cannot be swapped.

export class Envelope {
  readonly #key: Buffer;
  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
    this.#key = masterKey;
  }

  encrypt(plaintext: string | Buffer, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(sealed: string, aad: string): Buffer {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('envelope: unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
  }

  decryptString(sealed: string, aad: string): string {
    return this.decrypt(sealed, aad).toString('utf8');
  }
}
