import { Inviter, SessionState, UserAgent } from 'sip.js';
import { GRANT_HEADER, GRANT_INFO_TYPE, type MonitorMode } from '../../../../shared/monitoring';
import type { ApiClient } from '../../../api/client';
import type { RootStore } from '../../../store';
import type { MonitorControls, SupervisorSession } from './monitoringSlice';
import { playStream, sessionPc, stopStream, type MonitorPhone } from './monitorPhone';

const msg = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The supervisor's side of listen / whisper / barge: a grant from the relay, then a call to the
 * agent's softphone carrying it (its own session on the phone's user agent, not a call of the
 * phone's: no call card, no wrap-up). The agent's app decides what each side hears; a mode change
 * is a new grant sent in the dialog (SIP INFO), so nothing is renegotiated.
 */
export class SupervisorMonitoring {
  private inviter: Inviter | null = null;
  private audio: HTMLAudioElement | null = null;
  /** The session's first grant, once the agent's app answered with it (what its end is reported on). */
  private joinedGrant: string | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly store: RootStore,
    private readonly phone: () => MonitorPhone | null,
  ) {}

  controls(): MonitorControls {
    return {
      start: (conversationId, mode) => this.start(conversationId, mode),
      setMode: (mode) => this.setMode(mode),
      leave: () => this.leave(),
    };
  }

  private set(patch: Partial<SupervisorSession>): void {
    const cur = this.store.getState().monitorSession;
    if (cur) this.store.setState({ monitorSession: { ...cur, ...patch } });
  }

  private async start(conversationId: string, mode: MonitorMode): Promise<void> {
    this.leave();
    this.store.setState({ monitorSession: { conversationId, mode, state: 'requesting', error: null } });
    const phone = this.phone();
    const ua = phone?.userAgent();
    try {
      if (!phone || !ua) throw new Error('Connect your phone first (Phone › Connect phone).');
      const { grant, claims } = await this.api.call('monitoring:requestGrant', {
        callConversationId: conversationId,
        mode,
      });
      const target = UserAgent.makeURI(phone.uriFor(claims.agentSipUser));
      if (!target) throw new Error(`Cannot call ${claims.agentSipUser}.`);
      const inviter = new Inviter(ua, target, {
        extraHeaders: [`${GRANT_HEADER}: ${grant}`],
        sessionDescriptionHandlerOptions: { constraints: phone.inputConstraints() },
      });
      this.inviter = inviter;
      inviter.stateChange.addListener((s) => {
        if (this.inviter !== inviter) return;
        if (s === SessionState.Established) {
          this.joinedGrant = claims.id;
          const pc = sessionPc(inviter);
          const stream = new MediaStream();
          for (const r of pc?.getReceivers() ?? []) if (r.track.kind === 'audio') stream.addTrack(r.track);
          this.audio = playStream(stream, phone.outputDevice(), false);
          this.set({ state: 'joined' });
        }
        if (s === SessionState.Terminated) this.ended(null);
      });
      this.set({ state: 'calling' });
      await inviter.invite({
        requestDelegate: {
          onReject: (res) => {
            const reason = /text="([^"]*)"/.exec(res.message.getHeader('Reason') ?? '')?.[1];
            this.ended(`${res.message.statusCode} ${reason ?? res.message.reasonPhrase}`);
          },
        },
      });
    } catch (err) {
      this.ended(msg(err));
    }
  }

  private async setMode(mode: MonitorMode): Promise<void> {
    const session = this.store.getState().monitorSession;
    const inviter = this.inviter;
    if (!session || !inviter || inviter.state !== SessionState.Established) return;
    try {
      const { grant } = await this.api.call('monitoring:requestGrant', {
        callConversationId: session.conversationId,
        mode,
      });
      await new Promise<void>((resolve, reject) => {
        inviter
          .info({
            requestOptions: {
              body: { contentDisposition: 'render', contentType: GRANT_INFO_TYPE, content: grant },
            },
            requestDelegate: {
              onAccept: () => resolve(),
              onReject: (res) => reject(new Error(`${res.message.statusCode} ${res.message.reasonPhrase}`)),
            },
          })
          .catch(reject);
      });
      this.set({ mode, error: null });
    } catch (err) {
      this.set({ error: msg(err) });
    }
  }

  private leave(): void {
    const inviter = this.inviter;
    if (!inviter) return;
    const grantId = this.joinedGrant;
    if (grantId)
      void this.api.call('monitoring:end', { grantId, reason: 'supervisor-left' }).catch(() => undefined);
    this.ended(null);
    if (inviter.state === SessionState.Established) void inviter.bye().catch(() => undefined);
    else if (inviter.state === SessionState.Establishing) void inviter.cancel().catch(() => undefined);
  }

  private ended(error: string | null): void {
    this.inviter = null;
    this.joinedGrant = null;
    stopStream(this.audio);
    this.audio = null;
    const cur = this.store.getState().monitorSession;
    if (cur && cur.state !== 'ended') this.set({ state: 'ended', error: error ?? cur.error });
  }
}
