import { createPublicKey, verify } from 'node:crypto';
import {
  endRequestSchema,
  grantClaimsSchema,
  splitGrant,
  type GrantClaims,
  type EndRequest,
  type EndResult,
  type GrantRefusal,
  type IssuedGrant,
  type MonitorMode,
  type RedeemRequest,
} from '../../shared/monitoring';
import type { LiveCallView, RedeemResult } from '../../shared/monitoringApi';
import { RELAY_ROUTES as R } from '../../shared/relayRoutes';
import type { Db } from '../store/statements';
import { liveCalls } from '../store/liveCalls';
import type { LocalStore } from '../store/localStore';
import { getMeta, setMeta } from '../store/meta';
import { answerOf, jsonRequest, refusalOf, type RelayFetch } from './relayRequests';

/** Used grant ids are kept this long past their expiry (a clock set back a little cannot revive one). */
const USED_KEEP_MS = 10 * 60_000;

const LOCAL_TEXT: Record<GrantRefusal, string> = {
  malformed: 'This is not a monitoring grant.',
  forged: 'The grant is not signed by the relay.',
  expired: 'The grant has expired.',
  replayed: 'The grant was used already.',
  unknown: 'The relay is out of reach and its key is not known here, so the grant cannot be checked.',
  'not-for-you': 'The grant names another agent.',
  'call-not-live': 'The call the grant names is not live here.',
  'wrong-call': 'The grant names another call.',
  'wrong-supervisor': 'The call does not come from the supervisor the grant names.',
  'wrong-session': 'The grant does not belong to this monitoring session.',
};

/**
 * Listen / whisper / barge in the app. The supervisor's side asks the relay for grants; the
 * agent's side redeems each grant at the relay before answering (single use, audited there).
 * Only when the relay cannot be reached does it check the grant here, with the relay's public key
 * fetched earlier (`monitoring:prepare`), and remember it so it is never used twice.
 */
export class MonitoringService {
  constructor(private readonly o: { store: () => LocalStore; relay: RelayFetch }) {}

  /** The live calls this person may join (the cache holds only their teams' conversations). */
  liveCalls(): { calls: LiveCallView[] } {
    return { calls: liveCalls(this.o.store().db) };
  }

  async requestGrant(args: { callConversationId: string; mode: MonitorMode }): Promise<IssuedGrant> {
    const res = await this.o.relay(
      R.monitoringGrants.pattern,
      jsonRequest(R.monitoringGrants.method, args),
      10_000,
    );
    const answer = await answerOf<IssuedGrant>(res);
    if (!res.ok || answer === null) throw refusalOf(res.status, answer);
    return answer;
  }

  async redeem(r: RedeemRequest): Promise<RedeemResult> {
    const db = this.o.store().db;
    let res: Response | null = null;
    try {
      res = await this.o.relay(R.monitoringRedeem.pattern, jsonRequest(R.monitoringRedeem.method, r), 10_000);
    } catch {
      res = null; // the relay is out of reach: check here
    }
    if (!res || res.status >= 500) return this.checkLocally(db, r);
    const answer = await answerOf<{ claims?: GrantClaims; error?: { message?: unknown } }>(res);
    if (res.ok && answer?.claims) {
      remember(db, answer.claims);
      return { ok: true, claims: answer.claims, verifiedBy: 'relay' };
    }
    const m = answer?.error?.message;
    const message = typeof m === 'string' ? m : `The server answered ${res.status}.`;
    const reason = /\(([a-z-]+)\)/.exec(message)?.[1] as GrantRefusal | undefined;
    return { ok: false, reason: reason && reason in LOCAL_TEXT ? reason : 'unknown', message };
  }

  /**
   * Tells the relay a session ended. Offline, the report is kept and sent before the next one (or
   * at the next `prepare`), so the relay's audit line comes late rather than never.
   */
  async end(r: EndRequest): Promise<EndResult & { sent: boolean }> {
    const db = this.o.store().db;
    const pending = [...pendingEnds(db).filter((p) => p.grantId !== r.grantId), r];
    let answer: EndResult = { recorded: false };
    let sent = true;
    const left: EndRequest[] = [];
    for (const p of pending) {
      const res = await this.sendEnd(p);
      if (res === 'unreachable') {
        left.push(p);
        if (p === r) sent = false;
      } else if (p === r) answer = res;
    }
    setMeta(db, 'monitoringEndsPending', JSON.stringify(left.slice(-MAX_PENDING_ENDS)));
    return { ...answer, sent };
  }

  /** The relay's answer, or 'unreachable' (kept to send later). A refusal is final: it is dropped. */
  private async sendEnd(r: EndRequest): Promise<EndResult | 'unreachable'> {
    let res: Response;
    try {
      res = await this.o.relay(R.monitoringEnd.pattern, jsonRequest(R.monitoringEnd.method, r), 10_000);
    } catch {
      return 'unreachable';
    }
    if (res.status >= 500) return 'unreachable';
    const answer = await answerOf<EndResult>(res);
    return { recorded: res.ok && answer?.recorded === true };
  }

  /** Fetches the relay's grant-signing public key and keeps it in the cache for offline checks. */
  async prepare(): Promise<{ ready: boolean }> {
    const db = this.o.store().db;
    const [first] = pendingEnds(db);
    if (first) await this.end(first).catch(() => undefined);
    try {
      const res = await this.o.relay(R.monitoringKey.pattern, { method: R.monitoringKey.method }, 10_000);
      const body = await answerOf<{ publicKeyPem?: unknown }>(res);
      if (res.ok && typeof body?.publicKeyPem === 'string') {
        createPublicKey(body.publicKeyPem); // only a key that parses is kept
        setMeta(db, 'monitoringKey', body.publicKeyPem);
      }
    } catch {
      // Offline: keep the key fetched before, if any.
    }
    return { ready: getMeta(db, 'monitoringKey') !== undefined };
  }

  private checkLocally(db: Db, r: RedeemRequest): RedeemResult {
    const refuse = (reason: GrantRefusal): RedeemResult => ({
      ok: false,
      reason,
      message: LOCAL_TEXT[reason],
    });
    const pem = getMeta(db, 'monitoringKey');
    const parts = splitGrant(r.grant);
    if (!parts) return refuse('malformed');
    if (!pem) return refuse('unknown');
    const good = verify(
      null,
      Buffer.from(parts.signed),
      createPublicKey(pem),
      Buffer.from(parts.signature, 'base64url'),
    );
    if (!good) return refuse('forged');
    let claims: GrantClaims;
    try {
      const parsed = grantClaimsSchema.safeParse(
        JSON.parse(Buffer.from(parts.claims, 'base64url').toString()),
      );
      if (!parsed.success) return refuse('malformed');
      claims = parsed.data;
    } catch {
      return refuse('malformed');
    }
    const me = this.o.store().identity()?.agent.id;
    const seen = used(db);
    if (claims.agentId !== me) return refuse('not-for-you');
    if (Date.now() >= claims.expiresAt) return refuse('expired');
    if (seen[claims.id] !== undefined) return refuse('replayed');
    if (r.observed.callId === null) return refuse('call-not-live');
    if (r.observed.callId !== claims.callId) return refuse('wrong-call');
    if (r.observed.fromUser.toLowerCase() !== claims.supervisorSipUser.toLowerCase())
      return refuse('wrong-supervisor');
    if (r.observed.sessionGrantId && seen[r.observed.sessionGrantId] === undefined)
      return refuse('wrong-session');
    remember(db, claims);
    return { ok: true, claims, verifiedBy: 'local' };
  }
}

/** Session ends kept while the relay was out of reach (the newest are kept past this many). */
const MAX_PENDING_ENDS = 50;

function pendingEnds(db: Db): EndRequest[] {
  try {
    const v = JSON.parse(getMeta(db, 'monitoringEndsPending') ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x) => endRequestSchema.safeParse(x).success) : [];
  } catch {
    return [];
  }
}

function used(db: Db): Record<string, number> {
  try {
    return JSON.parse(getMeta(db, 'monitoringUsed') ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/** Remembers a grant as used (and forgets those long expired). */
function remember(db: Db, claims: GrantClaims): void {
  const now = Date.now();
  const kept = Object.fromEntries(Object.entries(used(db)).filter(([, exp]) => exp + USED_KEEP_MS > now));
  kept[claims.id] = claims.expiresAt;
  setMeta(db, 'monitoringUsed', JSON.stringify(kept));
}
