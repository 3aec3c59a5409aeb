import { addSample, currentMos, rawSampleOf, resetBaseline, summarize, type StatLike } from './quality';
import { peerConnectionOf, readMediaStats } from './callMedia';
import type { CallSnapshot, EndReason, LiveCall, SipLog } from './sipTypes';

/** What the watchdog may do to the call it watches. */
export type WatchdogHost = {
  update: (c: LiveCall, patch: Partial<CallSnapshot>) => void;
  hangup: (id: string, reason: EndReason) => void;
  log: SipLog;
  /** An established call with no inbound audio or ICE for this long is flagged. */
  noMediaAfterMs: number;
};

/** Starts checking a call once a second (FIELD-NOTES: "established" says nothing about audio). */
export function startWatchdog(c: LiveCall, host: WatchdogHost): void {
  c.lastFlowAt = Date.now();
  c.watchdog = setInterval(() => void checkMedia(c, host), 1000);
}

/** One check: is audio flowing, what is its quality, and has the other side silently gone? */
async function checkMedia(c: LiveCall, host: WatchdogHost): Promise<void> {
  if (c.snap.state !== 'established') return;
  const { bytesReceived, ice } = await readMediaStats(peerConnectionOf(c));
  const now = Date.now();
  const connected = ice === 'connected' || ice === 'completed';
  if (connected && (bytesReceived > c.lastBytes || c.snap.held)) {
    c.lastFlowAt = now;
    if (c.snap.media !== 'flowing') host.update(c, { media: 'flowing' });
  } else if (now - c.lastFlowAt >= host.noMediaAfterMs && c.snap.media !== 'none') {
    host.update(c, { media: 'none' });
  }
  c.lastBytes = bytesReceived;
  if (connected) await sampleQuality(c, host);
  if (ice !== c.lastIce) {
    host.log('info', `call ${c.snap.id}: ICE ${ice}, ${bytesReceived} bytes in`);
    c.lastIce = ice;
  }
  const gone = ice === 'disconnected' || ice === 'failed' || ice === 'closed';
  if (!gone || c.snap.held) return;
  // The dialog is unreachable and the other side has stopped sending: it hung up. No ghost call.
  if (c.snap.signalingLost) return host.hangup(c.snap.id, 'lost');
  if (now - c.lastFlowAt >= host.noMediaAfterMs && !c.probing) probeDialog(c, host);
}

/**
 * Media stopped for a while: ask the other side (re-INVITE). A refusal or no answer means the
 * dialog is gone (its BYE may have been lost with a server restart): end the call here too.
 */
function probeDialog(c: LiveCall, host: WatchdogHost): void {
  c.probing = true;
  const lost = () => host.hangup(c.snap.id, 'lost');
  c.session
    .invite({
      requestDelegate: {
        onAccept: () => {
          c.probing = false;
          c.lastFlowAt = Date.now();
        },
        onReject: lost,
      },
    })
    .catch(lost);
}

/** Call quality the way Twilio's Voice SDK estimates it (quality.ts); paused while on hold. */
async function sampleQuality(c: LiveCall, host: WatchdogHost): Promise<void> {
  const pc = peerConnectionOf(c);
  if (!pc || c.snap.state !== 'established') return;
  if (c.snap.held) {
    c.q = resetBaseline(c.q);
    return;
  }
  const reports: StatLike[] = [];
  (await pc.getStats()).forEach((r: StatLike) => reports.push(r));
  if (c.snap.state !== 'established') return;
  c.q = addSample(c.q, rawSampleOf(reports));
  host.update(c, {
    quality: { mos: currentMos(c.q), warnings: [...c.q.active], summary: summarize(c.q) },
  });
}
