/**
 * Netstrings (`<length>:<bytes>,`), the framing of Kamailio's evapi socket. The decoder never
 * throws: bytes that cannot be a netstring (a bad length, a missing comma, a frame over the limit)
 * are reported and skipped up to the next plausible frame start, so one bad frame costs only itself.
 */
export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

export type NetstringEvent = { frame: string } | { error: string };

const COLON = 0x3a;
const COMMA = 0x2c;

export class NetstringDecoder {
  private buf: Buffer = Buffer.alloc(0);

  /** `maxFrameBytes`: a longer announced frame is refused (and its bytes skipped). */
  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): NetstringEvent[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: NetstringEvent[] = [];
    for (;;) {
      if (this.buf.length === 0) break;
      const colon = this.buf.indexOf(COLON);
      const digitsEnd = colon === -1 ? this.buf.length : colon;
      const digits = this.buf.subarray(0, digitsEnd).toString('latin1');
      if (!/^\d*$/.test(digits) || digits.length > 10) {
        out.push({ error: 'bad netstring length' });
        this.resync();
        continue;
      }
      if (colon === -1) break; // the length is still arriving
      if (digits.length === 0) {
        out.push({ error: 'empty netstring length' });
        this.buf = this.buf.subarray(colon + 1);
        continue;
      }
      const len = Number(digits);
      if (len > this.maxFrameBytes) {
        out.push({ error: `netstring of ${len} bytes is over the limit of ${this.maxFrameBytes}` });
        this.buf = this.buf.subarray(colon + 1);
        this.resync();
        continue;
      }
      const end = colon + 1 + len;
      if (this.buf.length < end + 1) break; // the body is still arriving
      if (this.buf[end] !== COMMA) {
        out.push({ error: 'netstring without its closing comma' });
        this.buf = this.buf.subarray(colon + 1);
        this.resync();
        continue;
      }
      out.push({ frame: this.buf.subarray(colon + 1, end).toString('utf8') });
      this.buf = this.buf.subarray(end + 1);
    }
    return out;
  }

  /** Drops bytes up to the next digit that follows a comma (or the start of the buffer's tail). */
  private resync(): void {
    let i = 0;
    while (i < this.buf.length) {
      const c = this.buf[i]!;
      if (c === COMMA && i + 1 < this.buf.length && this.buf[i + 1]! >= 0x30 && this.buf[i + 1]! <= 0x39) {
        this.buf = this.buf.subarray(i + 1);
        return;
      }
      i++;
    }
    this.buf = Buffer.alloc(0);
  }
}
