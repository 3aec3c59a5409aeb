// UUIDv7 (RFC 9562): 48-bit Unix ms timestamp + random bits. Time-ordered keys load ~4x
// faster into SQLite than random v4 ones (FIELD-NOTES), and can be made offline.

/** A new UUIDv7 string. `random` must fill a Uint8Array with cryptographic randomness. */
export function uuidv7(now: number = Date.now(), random: (b: Uint8Array) => Uint8Array = fill): string {
  const b = random(new Uint8Array(16));
  b[0] = Math.floor(now / 2 ** 40) & 0xff;
  b[1] = Math.floor(now / 2 ** 32) & 0xff;
  b[2] = (now >>> 24) & 0xff;
  b[3] = (now >>> 16) & 0xff;
  b[4] = (now >>> 8) & 0xff;
  b[5] = now & 0xff;
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function fill(b: Uint8Array): Uint8Array {
  return globalThis.crypto.getRandomValues(b);
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
