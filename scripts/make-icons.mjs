// Draws the app and tray icons as PNGs with no image library (zlib + CRC only), so they can be
// regenerated anywhere: `node scripts/make-icons.mjs`. Output is committed under resources/ and build/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
// Anti-aliased disc of colour `c` with an optional ring.
const disc = (size, c, ring) => (x, y) => {
  const r = size / 2;
  const d = Math.hypot(x + 0.5 - r, y + 0.5 - r);
  const alpha = Math.max(0, Math.min(1, r - 0.5 - d + 0.5));
  if (ring && d < r * 0.45) return [255, 255, 255, Math.round(255 * alpha)];
  return [...c, Math.round(255 * alpha)];
};
const STATES = {
  available: [30, 142, 62],
  busy: [200, 40, 40],
  away: [230, 160, 0],
  'after-call-work': [120, 80, 200],
  offline: [128, 134, 140],
};
mkdirSync('resources/icons', { recursive: true });
mkdirSync('build', { recursive: true });
for (const [state, c] of Object.entries(STATES)) {
  writeFileSync(`resources/icons/tray-${state}.png`, png(32, disc(32, c, false)));
}
writeFileSync('build/icon.png', png(512, disc(512, [11, 92, 173], true)));
writeFileSync('resources/icons/app.png', png(256, disc(256, [11, 92, 173], true)));
console.log('icons written to resources/icons and build/icon.png');
