import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * AES-256-GCM sealing of secrets kept in the relay database (web chat identity secrets, mailbox
 * passwords) under a 32-byte key file in the data directory (created 0600 on first use), so a copy
 * of the database alone opens nothing. Each sealed value is bound to a purpose and an owner id
 * (additional data): a value copied onto another row or used for another purpose does not open.
 */
export function createSealer(dataDir: string, keyFile: string, purpose: string) {
  let key: Buffer | null = null;
  function secretKey(): Buffer {
    if (key) return key;
    const file = join(dataDir, keyFile);
    if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    const k = readFileSync(file);
    if (k.length !== 32) throw new Error(`${file} must hold 32 bytes.`);
    return (key = k);
  }
  const aad = (ownerId: string) => Buffer.from(`${purpose}:${ownerId}`);
  return {
    keyFile,
    /** nonce (12) | ciphertext | tag (16). */
    seal(ownerId: string, plain: string): Buffer {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', secretKey(), nonce);
      c.setAAD(aad(ownerId));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([nonce, body, c.getAuthTag()]);
    },
    /** The plain value; throws when it cannot be opened (key file lost or replaced, wrong owner). */
    open(ownerId: string, sealed: Buffer): string {
      const dc = createDecipheriv('aes-256-gcm', secretKey(), sealed.subarray(0, 12));
      dc.setAAD(aad(ownerId));
      dc.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([dc.update(sealed.subarray(12, sealed.length - 16)), dc.final()]).toString('utf8');
    },
  };
}

export type Sealer = ReturnType<typeof createSealer>;
