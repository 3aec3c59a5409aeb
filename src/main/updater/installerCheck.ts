import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-512 of a file, base64 as electron-builder writes it in `latest*.yml`. */
export async function sha512File(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/**
 * True when the downloaded installer's bytes match the sha512 of the signed feed. electron-updater
 * checks this too; we check again before installing because on Linux nothing else authenticates it.
 */
export async function installerMatchesFeed(path: string, expectedSha512: string): Promise<boolean> {
  return (await sha512File(path)) === expectedSha512;
}
