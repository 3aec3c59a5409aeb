import type { Session } from 'sip.js';
import type { SessionDescriptionHandlerOptions as WebSdhOptions } from 'sip.js/lib/platform/web/index.js';
import { dialogConfirmed, peerConnectionOf } from './callMedia';
import { dtmfTones } from './sipUserAgent';
import type { LiveCall, SipConfig } from './sipTypes';

const sipError = (res: { message: { statusCode?: number | undefined; reasonPhrase?: string | undefined } }) =>
  new Error(`${res.message.statusCode ?? ''} ${res.message.reasonPhrase ?? ''}`);

/** Hold (sendonly re-INVITE) or resume; calls `agreed` once the other side accepted, then resolves. */
export async function reinviteHold(c: LiveCall, on: boolean, agreed: () => void): Promise<void> {
  const s = c.session;
  await dialogConfirmed(s);
  const reInvite: WebSdhOptions = { ...s.sessionDescriptionHandlerOptionsReInvite, hold: on };
  s.sessionDescriptionHandlerOptionsReInvite = reInvite;
  await new Promise<void>((resolve, reject) => {
    s.invite({
      requestDelegate: {
        onAccept: () => {
          agreed();
          resolve();
        },
        onReject: (res) => reject(sipError(res)),
      },
    }).catch(reject);
  });
}

/** Sends DTMF: RFC 4733 through the audio sender when possible (mode auto), else SIP INFO per tone. */
export async function sendDtmf(
  c: LiveCall,
  tones: string,
  mode: SipConfig['dtmf'],
): Promise<'rfc4733' | 'info'> {
  const valid = dtmfTones(tones);
  if (!valid) throw new Error('No DTMF tones.');
  const sender = peerConnectionOf(c)
    ?.getSenders()
    .find((x) => x.track?.kind === 'audio');
  if (mode === 'auto' && sender?.dtmf?.canInsertDTMF) {
    // insertDTMF replaces the tones still queued: keys pressed faster than they play would be
    // lost. Queue behind them instead.
    sender.dtmf.insertDTMF(sender.dtmf.toneBuffer + valid, 100, 70);
    return 'rfc4733';
  }
  for (const tone of valid) {
    await c.session.info({
      requestOptions: {
        body: {
          contentDisposition: 'render',
          contentType: 'application/dtmf-relay',
          content: `Signal=${tone}\r\nDuration=100`,
        },
      },
    });
  }
  return 'info';
}

/** REFERs the other side of `c` to `to` (a URI, or a session for Replaces); `accepted` ends our leg. */
export async function referCall(
  c: LiveCall,
  to: Parameters<Session['refer']>[0],
  accepted: () => void,
): Promise<void> {
  await dialogConfirmed(c.session);
  return new Promise((resolve, reject) => {
    c.session
      .refer(to, {
        requestDelegate: {
          onAccept: () => {
            accepted();
            resolve();
          },
          onReject: (res) => reject(sipError(res)),
        },
      })
      .catch(reject);
  });
}

/**
 * After a server restart the dialog's route points at a dead connection. A re-INVITE tells:
 * accepted means the call is reachable again; otherwise it stays flagged and ends once media stops.
 */
export function probeReachable(c: LiveCall, reachable: (yes: boolean) => void): void {
  if (c.snap.state !== 'established') return;
  c.session
    .invite({
      requestDelegate: {
        onAccept: () => reachable(true),
        onReject: () => reachable(false),
      },
    })
    .catch(() => reachable(false));
}

/** ICE restart keeps a live call across a network change (a held call stays held). */
export function restartIce(c: LiveCall, log: (msg: string) => void): void {
  const held = c.session.sessionDescriptionHandlerOptionsReInvite as WebSdhOptions;
  const restart = { ...held, offerOptions: { iceRestart: true } } as WebSdhOptions;
  c.session
    .invite({ sessionDescriptionHandlerOptions: restart })
    .catch((err: unknown) => log(`ICE restart failed: ${String(err)}`));
}
