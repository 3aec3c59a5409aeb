import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';

// A small SIP user agent over TCP for relay-side tests against a real Kamailio: REGISTER with
// digest auth, place and cancel calls, ring/decline/answer incoming ones, hang up. It speaks just
// enough SIP for those flows (no media: the SDP is a stub, Kamailio does not look at it).

export type SipMessage = {
  start: string;
  headers: [string, string][];
  body: string;
  socket: Socket;
};

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const tag = () => randomBytes(6).toString('hex');
const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';

export function header(m: SipMessage, name: string): string | undefined {
  const n = name.toLowerCase();
  return m.headers.find(([k]) => k.toLowerCase() === n)?.[1];
}
const headersAll = (m: SipMessage, name: string) =>
  m.headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
export const statusOf = (m: SipMessage) => Number(/^SIP\/2\.0 (\d{3})/.exec(m.start)?.[1] ?? 0);

function parser(socket: Socket, onMessage: (m: SipMessage) => void) {
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buf += chunk;
    for (;;) {
      buf = buf.replace(/^(\r\n)+/, '');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const lines = buf.slice(0, end).split('\r\n');
      const headers: [string, string][] = lines.slice(1).map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
      });
      const len = Number(headers.find(([k]) => /^(content-length|l)$/i.test(k))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      const body = buf.slice(end + 4, end + 4 + len);
      buf = buf.slice(end + 4 + len);
      onMessage({ start: lines[0]!, headers, body, socket });
    }
  });
}

function serialize(start: string, headers: [string, string][], body = ''): string {
  return `${[start, ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`].join('\r\n')}\r\n\r\n${body}`;
}

export type IncomingCall = {
  invite: SipMessage;
  /** performance.now() when the INVITE arrived. */
  receivedAt: number;
  ring(): void;
  decline(code?: number): void;
  answer(): void;
  /** Hangs up an answered call from this side. */
  bye(): void;
};

export type OutgoingCall = {
  callId: string;
  fromTag: string;
  /** Every response to the INVITE, in order. */
  responses: SipMessage[];
  /** Resolves with the final response (>= 200). */
  final: Promise<SipMessage>;
  cancel(): void;
  bye(): void;
  reinvite(direction: 'sendonly' | 'sendrecv'): Promise<number>;
};

/** A user agent `user@domain` talking to Kamailio at 127.0.0.1:`proxyPort` over TCP. */
export async function startSipUa(o: {
  user: string;
  domain: string;
  proxyPort: number;
  password?: string;
  /** Answer every new call at once (benchmarks). */
  autoAnswer?: boolean;
}) {
  const server: Server = createServer();
  const waiters: ((m: SipMessage) => boolean)[] = [];
  const incoming: IncomingCall[] = [];
  const requestsSeen: SipMessage[] = [];
  let cseq = 1;

  const onMessage = (m: SipMessage) => {
    if (m.start.startsWith('SIP/2.0')) {
      const i = waiters.findIndex((w) => w(m));
      if (i !== -1) waiters.splice(i, 1);
      return;
    }
    requestsSeen.push(m);
    const method = m.start.split(' ')[0];
    if (method === 'INVITE') onInvite(m);
    else if (method === 'BYE' || method === 'CANCEL' || method === 'OPTIONS') reply(m, 200, 'OK');
    if (method === 'CANCEL') {
      const inv = incoming.find((c) => header(c.invite, 'Call-ID') === header(m, 'Call-ID'));
      if (inv) reply(inv.invite, 487, 'Request Terminated');
    }
  };
  server.on('connection', (s) => parser(s, onMessage));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const localPort = (server.address() as { port: number }).port;
  const contact = `<sip:${o.user}@127.0.0.1:${localPort};transport=tcp>`;
  const out = connect(o.proxyPort, '127.0.0.1');
  await new Promise<void>((r, j) => out.once('connect', r).once('error', j));
  parser(out, onMessage);
  const via = () => `SIP/2.0/TCP 127.0.0.1:${localPort};rport;branch=z9hG4bK${tag()}`;

  function reply(
    req: SipMessage,
    code: number,
    reason: string,
    extra: [string, string][] = [],
    body = '',
    toTag?: string,
  ) {
    const hs: [string, string][] = [];
    for (const v of headersAll(req, 'Via')) hs.push(['Via', v]);
    for (const v of headersAll(req, 'Record-Route')) hs.push(['Record-Route', v]);
    const to = header(req, 'To')!;
    hs.push(['From', header(req, 'From')!]);
    hs.push(['To', toTag && !/;tag=/.test(to) ? `${to};tag=${toTag}` : to]);
    hs.push(['Call-ID', header(req, 'Call-ID')!]);
    hs.push(['CSeq', header(req, 'CSeq')!]);
    hs.push(...extra);
    req.socket.write(serialize(`SIP/2.0 ${code} ${reason}`, hs, body));
  }

  function onInvite(inv: SipMessage) {
    if (/;tag=/.test(header(inv, 'To') ?? '')) {
      // A re-INVITE (hold, resume) of a call already up: accept what is offered.
      reply(
        inv,
        200,
        'OK',
        [
          ['Contact', contact],
          ['Content-Type', 'application/sdp'],
        ],
        SDP,
      );
      return;
    }
    const myTag = tag();
    let answered = false;
    const call: IncomingCall = {
      invite: inv,
      receivedAt: performance.now(),
      ring: () => reply(inv, 180, 'Ringing', [], '', myTag),
      decline: (code = 486) => reply(inv, code, code === 603 ? 'Decline' : 'Busy Here', [], '', myTag),
      answer: () => {
        answered = true;
        reply(
          inv,
          200,
          'OK',
          [
            ['Contact', contact],
            ['Content-Type', 'application/sdp'],
          ],
          SDP,
          myTag,
        );
      },
      bye: () => {
        if (!answered) throw new Error('not answered');
        const remote = /<([^>]+)>/.exec(header(inv, 'Contact') ?? '')?.[1] ?? '';
        const hs: [string, string][] = [
          ['Via', via()],
          ['Max-Forwards', '70'],
        ];
        for (const v of headersAll(inv, 'Record-Route')) hs.push(['Route', v]);
        hs.push(['From', `${header(inv, 'To')!};tag=${myTag}`], ['To', header(inv, 'From')!]);
        hs.push(['Call-ID', header(inv, 'Call-ID')!], ['CSeq', `${cseq++} BYE`]);
        inv.socket.write(serialize(`BYE ${remote} SIP/2.0`, hs));
      },
    };
    incoming.push(call);
    reply(inv, 100, 'Trying');
    if (o.autoAnswer) call.answer();
  }

  function digest(challenge: string, method: string, uri: string): string {
    const get = (k: string) => new RegExp(`${k}="?([^",]+)"?`).exec(challenge)?.[1] ?? '';
    const realm = get('realm');
    const nonce = get('nonce');
    const cnonce = tag();
    const ha1 = md5(`${o.user}:${realm}:${o.password ?? ''}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`);
    return `Digest username="${o.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"`;
  }

  const response = (pred: (m: SipMessage) => boolean) =>
    new Promise<SipMessage>((resolve) => waiters.push((m) => (pred(m) ? (resolve(m), true) : false)));

  async function register(): Promise<number> {
    const callId = `reg-${tag()}`;
    const uri = `sip:${o.domain}`;
    const fromTag = tag();
    const send = (auth?: string) => {
      const n = cseq++;
      const hs: [string, string][] = [
        ['Via', via()],
        ['Max-Forwards', '70'],
        ['From', `<sip:${o.user}@${o.domain}>;tag=${fromTag}`],
        ['To', `<sip:${o.user}@${o.domain}>`],
        ['Call-ID', callId],
        ['CSeq', `${n} REGISTER`],
        ['Contact', contact],
        ['Expires', '600'],
      ];
      if (auth) hs.push(['Authorization', auth]);
      const p = response((m) => header(m, 'Call-ID') === callId && statusOf(m) >= 200);
      out.write(serialize(`REGISTER ${uri} SIP/2.0`, hs));
      return p;
    };
    let r = await send();
    if (statusOf(r) === 401) r = await send(digest(header(r, 'WWW-Authenticate') ?? '', 'REGISTER', uri));
    return statusOf(r);
  }

  function call(to: string, fromDisplay = ''): OutgoingCall {
    const callId = `call-${tag()}`;
    const fromTag = tag();
    const target = `sip:${to}@${o.domain}`;
    const n = cseq++;
    const topVia = via();
    const from = `${fromDisplay ? `"${fromDisplay}" ` : ''}<sip:${o.user}@carrier.test>;tag=${fromTag}`;
    const base: [string, string][] = [
      ['Via', topVia],
      ['Max-Forwards', '70'],
      ['From', from],
      ['To', `<${target}>`],
      ['Call-ID', callId],
    ];
    const responses: SipMessage[] = [];
    let dialog: SipMessage | null = null;
    const final = new Promise<SipMessage>((resolve) => {
      const w = (m: SipMessage) => {
        if (header(m, 'Call-ID') !== callId || !/INVITE/.test(header(m, 'CSeq') ?? '')) return false;
        responses.push(m);
        const s = statusOf(m);
        if (s < 200) return (waiters.push(w), true);
        if (s >= 300) {
          // ACK for a failure: same branch, hop by hop.
          out.write(
            serialize(`ACK ${target} SIP/2.0`, [
              ['Via', topVia],
              ['Max-Forwards', '70'],
              ['From', from],
              ['To', header(m, 'To')!],
              ['Call-ID', callId],
              ['CSeq', `${n} ACK`],
            ]),
          );
        } else dialog = m;
        resolve(m);
        return true;
      };
      waiters.push(w);
    });
    out.write(
      serialize(
        `INVITE ${target} SIP/2.0`,
        [...base, ['CSeq', `${n} INVITE`], ['Contact', contact], ['Content-Type', 'application/sdp']],
        SDP,
      ),
    );
    const inDialog = (method: string, seq = method === 'ACK' ? n : cseq++, sdp = '') => {
      const d = dialog!;
      const remote = /<([^>]+)>/.exec(header(d, 'Contact') ?? '')?.[1] ?? target;
      const hs: [string, string][] = [
        ['Via', via()],
        ['Max-Forwards', '70'],
      ];
      for (const v of headersAll(d, 'Record-Route').reverse()) hs.push(['Route', v]);
      hs.push(['From', from], ['To', header(d, 'To')!], ['Call-ID', callId], ['CSeq', `${seq} ${method}`]);
      if (sdp) hs.push(['Contact', contact], ['Content-Type', 'application/sdp']);
      out.write(serialize(`${method} ${remote} SIP/2.0`, hs, sdp));
      return seq;
    };
    void final.then((m) => {
      if (statusOf(m) < 300) inDialog('ACK');
    });
    return {
      callId,
      fromTag,
      responses,
      final,
      cancel: () =>
        out.write(
          serialize(`CANCEL ${target} SIP/2.0`, [
            ['Via', topVia],
            ['Max-Forwards', '70'],
            ['From', from],
            ['To', `<${target}>`],
            ['Call-ID', callId],
            ['CSeq', `${n} CANCEL`],
          ]),
        ),
      bye: () => void inDialog('BYE'),
      /** Hold (`sendonly`) or resume (`sendrecv`) with a re-INVITE; resolves with its final status. */
      async reinvite(direction: 'sendonly' | 'sendrecv'): Promise<number> {
        const seq = cseq++;
        const done = response(
          (m) =>
            header(m, 'Call-ID') === callId && header(m, 'CSeq') === `${seq} INVITE` && statusOf(m) >= 200,
        );
        inDialog('INVITE', seq, `${SDP}a=${direction}\r\n`);
        const r = await done;
        if (statusOf(r) < 300) inDialog('ACK', seq);
        return statusOf(r);
      },
    };
  }

  return {
    register,
    call,
    /** Every call that rang this phone, in order. */
    incoming,
    requestsSeen,
    close(): void {
      out.destroy();
      server.close();
    },
  };
}
