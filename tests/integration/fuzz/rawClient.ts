// A raw HTTP/1.1 client over a TCP socket: it sends targets, methods and headers exactly as given
// (fetch and node:http normalize or refuse most of what a fuzzer wants to send).
import { connect } from 'node:net';

export type RawRequest = {
  method: string;
  target: string;
  headers: [string, string][];
  body: Buffer;
  /** Ask for a WebSocket upgrade (the usual four headers are added). */
  upgrade?: boolean;
};

/** The status of the answer (0: the socket closed without one), and the head and start of the body. */
export type RawAnswer = { status: number; head: string; body: string };

/** Sends one request on a fresh connection; resolves with the first answer or after `timeoutMs`. */
export function rawRequest(port: number, r: RawRequest, timeoutMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      // The final status: a `100 Continue` (asked for with Expect) comes first.
      const codes = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      const status = codes.find((c) => c !== 100) ?? 0;
      resolve({
        status,
        head: end < 0 ? text : text.slice(0, end),
        body: end < 0 ? '' : text.slice(end + 4, end + 4 + 2000),
      });
    };
    const timer = setTimeout(finish, timeoutMs);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      // An upgrade answered 101 stays open: the head is all we wanted.
      if (r.upgrade && Buffer.concat(chunks).includes('\r\n\r\n')) finish();
    });
    s.on('error', finish);
    s.on('close', finish);
    const head = [
      `${r.method} ${r.target} HTTP/1.1`,
      'Host: 127.0.0.1',
      ...(r.upgrade
        ? [
            'Connection: Upgrade',
            'Upgrade: websocket',
            'Sec-WebSocket-Version: 13',
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          ]
        : ['Connection: close', `Content-Length: ${r.body.length}`]),
      ...r.headers.map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    s.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), r.upgrade ? Buffer.alloc(0) : r.body]));
  });
}
