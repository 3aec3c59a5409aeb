import { SIPExtension, UserAgent, type Invitation, type Registerer } from 'sip.js';
import type { ResolvedSipOptions, SipConfig } from './sipTypes';

/** Builds the sip.js UserAgent: explicit ICE servers (never a public STUN unasked), Replaces on. */
export function makeUserAgent(
  config: SipConfig,
  opts: ResolvedSipOptions,
  on: { disconnect: (error: Error) => void; invite: (inv: Invitation) => void },
): UserAgent {
  const uri = UserAgent.makeURI(config.uri);
  if (!uri) throw new Error(`Not a SIP address: ${config.uri}`);
  return new UserAgent({
    uri,
    transportOptions: { server: config.server, connectionTimeout: 5, keepAliveInterval: 0 },
    authorizationUsername: config.authUser,
    authorizationPassword: config.password,
    ...(config.displayName ? { displayName: config.displayName } : {}),
    userAgentString: 'Switchboard',
    logBuiltinEnabled: false,
    logLevel: 'warn',
    logConnector: (level, category, _label, content) =>
      opts.log(level === 'log' ? 'debug' : level, `${category}: ${content}`),
    sipExtensionReplaces: SIPExtension.Supported,
    sessionDescriptionHandlerFactoryOptions: {
      peerConnectionConfiguration: {
        iceServers: config.iceServers,
        iceTransportPolicy: config.iceTransportPolicy ?? 'all',
      },
      iceGatheringTimeout: opts.iceGatheringTimeoutMs,
    },
    delegate: {
      onDisconnect: (error) => {
        if (error) on.disconnect(error);
      },
      onInvite: on.invite,
    },
  });
}

/** Delay before reconnect attempt `attempt` (0-based): doubling from `first` up to `max`, with jitter. */
export function backoffDelay(attempt: number, backoff: { first: number; max: number }): number {
  const base = Math.min(backoff.max, backoff.first * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/** A call target as a SIP URI: a URI as is, else a user (number, extension) at the agent's domain. */
export function targetUri(target: string, ownUri: string): string {
  const t = target.trim();
  if (/^sips?:/i.test(t)) return t;
  const domain = UserAgent.makeURI(ownUri)?.host ?? '';
  const user = t.includes('@') ? t : `${t.replace(/[\s().-]/g, '')}@${domain}`;
  return `sip:${user}`;
}

const DTMF_TONE = /^[0-9*#A-Da-d]$/;

/** The valid DTMF tones of a string, in order. */
export const dtmfTones = (tones: string) => [...tones].filter((t) => DTMF_TONE.test(t)).join('');

/** The tone a SIP INFO (application/dtmf-relay) carries, if any. */
export function toneOfInfo(body: string): string | null {
  const m = /Signal\s*=\s*([0-9*#A-Da-d])/i.exec(body.slice(0, 1000));
  return m ? m[1]!.toUpperCase() : null;
}

/** Sends one REGISTER and tells how it went (never rejects: a failure is an answer too). */
export function registerOnce(
  registerer: Registerer,
  log: ResolvedSipOptions['log'],
): Promise<{ ok: true } | { ok: false; error: string | null }> {
  return new Promise((resolve) => {
    void registerer
      .register({
        requestDelegate: {
          onAccept: () => resolve({ ok: true }),
          onReject: (res) =>
            resolve({ ok: false, error: `${res.message.statusCode} ${res.message.reasonPhrase}` }),
        },
      })
      .catch((err: unknown) => {
        log('warn', `REGISTER failed: ${String(err)}`);
        resolve({ ok: false, error: null });
      });
  });
}
