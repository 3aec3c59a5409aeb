// Generated contact-center work for report tests and the reports bench: conversations on voice,
// chat and email with what happened to each (times in ms), written through the relay's store as
// its channels, routing, call queue and the apps' pushes write them, and an oracle that computes
// the expected figures straight from the generated events (no relay code).
import { appendRecord, writeFields } from '../../src/relay/data/records';
import type { Store } from '../../src/relay/data/store';
import { prng } from '../../src/shared/prng';
import { encodeHlc } from '../../src/shared/sync/hlc';
import { uuidv7 } from '../../src/shared/sync/ids';

export type GenTeam = {
  id: string;
  agents: string[];
  inboxes: { voice: string; chat: string; email: string };
};

export type GenConv = {
  id: string;
  customerId: string;
  channel: 'voice' | 'chat' | 'email';
  teamId: string;
  inboxId: string;
  agentId: string | null;
  created: number;
  /** The customer's first message (null: the agent began it). */
  firstIn: number | null;
  /** Agent replies (chat, email) after the first message. */
  replies: number[];
  /** An agent's opening message of an outbound conversation. */
  opening: number | null;
  resolvedAt: number | null;
  csat: number | null;
  /** Voice: the relay's call states in order. */
  callStates: { state: string; at: number }[];
  /** Voice: the app's call record (answered calls). */
  callRecord: { answeredAt: number; endedAt: number; wrappedUpAt: number } | null;
  /** Under an inbox's SLA policy: the first-response due time its first message set. */
  slaDue: number | null;
};

/** Service-level and first-response targets the oracle measures against (the relay's defaults). */
export const SL_SEC: Record<string, number> = { voice: 20, chat: 60 };
export const FRT_SEC: Record<string, number> = { voice: 60, chat: 120, email: 14_400 };

/**
 * `count` conversations beginning in [start, end), spread by a seeded PRNG; `pins` are extra start
 * times (day boundaries) that each get a chat.
 */
export function generate(o: {
  seed: number;
  count: number;
  start: number;
  end: number;
  teams: GenTeam[];
  pins?: number[];
}): GenConv[] {
  const rnd = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (a: number, b: number) => a + Math.floor(rnd() * (b - a));
  const out: GenConv[] = [];
  const starts = [...Array.from({ length: o.count }, () => between(o.start, o.end)), ...(o.pins ?? [])];
  starts.forEach((created, i) => {
    const team = pick(o.teams);
    const channel = i >= o.count ? 'chat' : pick(['voice', 'voice', 'chat', 'chat', 'email'] as const);
    const c: GenConv = {
      id: uuidv7(created),
      customerId: uuidv7(created),
      channel,
      teamId: team.id,
      inboxId: team.inboxes[channel],
      agentId: rnd() < 0.9 ? pick(team.agents) : null,
      created,
      firstIn: created,
      replies: [],
      opening: null,
      resolvedAt: null,
      csat: null,
      callStates: [],
      callRecord: null,
      slaDue: null,
    };
    if (channel === 'voice') {
      const wait = between(2_000, 45_000);
      c.callStates.push({ state: 'queued', at: created }, { state: 'offered', at: created + 500 });
      if (rnd() < 0.2) {
        c.callStates.push({ state: 'abandoned', at: created + wait });
        c.resolvedAt = created + wait;
        c.agentId = null;
      } else {
        let t = created + wait;
        c.callStates.push({ state: 'ringing', at: t - 400 }, { state: 'talking', at: t });
        const answeredAt = t;
        t += between(30_000, 600_000);
        if (rnd() < 0.4) {
          c.callStates.push({ state: 'held', at: t });
          t += between(5_000, 120_000);
          c.callStates.push({ state: 'talking', at: t });
          t += between(10_000, 200_000);
        }
        c.callStates.push({ state: 'ended', at: t });
        const wrappedUpAt = t + between(0, 180_000);
        c.callRecord = { answeredAt, endedAt: t, wrappedUpAt };
        c.resolvedAt = wrappedUpAt + 1_000;
        if (c.agentId === null) c.agentId = pick(team.agents);
      }
    } else if (channel === 'chat') {
      if (rnd() < 0.25) {
        // The visitor left before anyone answered: closed without a reply.
        c.resolvedAt = created + between(30_000, 600_000);
      } else {
        let t = created + between(5_000, 300_000);
        for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++, t += between(10_000, 120_000)) c.replies.push(t);
        if (rnd() < 0.8) c.resolvedAt = t + between(10_000, 600_000);
        if (c.resolvedAt !== null && rnd() < 0.5) c.csat = 1 + Math.floor(rnd() * 5);
      }
    } else if (rnd() < 0.1) {
      // An agent writes first (outbound): no first response, no SLA, no service level.
      c.firstIn = null;
      c.opening = created;
      c.replies = [];
    } else {
      if (rnd() < 0.8) c.replies.push(created + between(600_000, 6 * 3_600_000));
      if (c.replies.length && rnd() < 0.6) c.resolvedAt = c.replies[0]! + between(60_000, 86_400_000);
    }
    // Some answered chats and mails are under an SLA policy (5 minutes, 1 hour), met or breached.
    if (c.replies.length > 0 && rnd() < 0.4) c.slaDue = created + (channel === 'chat' ? 300_000 : 3_600_000);
    out.push(c);
  });
  return out;
}

/**
 * Writes the conversations through the relay's store, `perTransaction` conversations at a time.
 * `final`: each conversation written once in its last state (no call-state or status changes, so
 * talk and hold stay 0), for a bench that needs many rows fast; default every change in order.
 */
export function writeAll(store: Store, convs: readonly GenConv[], perTransaction = 1, final = false): void {
  const meta = { mutationId: null, agentId: null };
  let counter = 0;
  const clock = (wall: number) => encodeHlc({ wall, counter: counter++ % 99_999, node: 'reports-test' });
  const iso = (t: number) => new Date(t).toISOString();
  const set = (c: GenConv, fields: Record<string, unknown>, at: number) =>
    writeFields(
      store,
      { entity: 'conversation', id: c.id, fields, clock: clock(at), convId: c.id, at: iso(at) },
      meta,
    );
  const message = (c: GenConv, direction: 'in' | 'out', at: number) =>
    appendRecord(
      store,
      'message',
      uuidv7(at),
      {
        conversationId: c.id,
        customerId: c.customerId,
        direction,
        authorId: direction === 'out' ? (c.agentId ?? 'someone') : null,
        body: direction === 'in' ? 'Hello?' : 'Hello, how can I help?',
        createdAt: iso(at),
      },
      c.id,
      meta,
    );
  const write = (c: GenConv) =>
    store.transaction(() => {
      set(
        c,
        {
          customerId: c.customerId,
          channel: c.channel,
          subject: 'Generated',
          status: 'open',
          snoozedUntil: null,
          assigneeId: c.agentId,
          teamId: c.teamId,
          inboxId: c.inboxId,
          labels: [],
          slaDueAt: null,
          lastMessageAt: iso(c.created),
          createdAt: iso(c.created),
          ...(final ? finalFields(c) : {}),
        },
        c.created,
      );
      if (c.firstIn !== null) message(c, 'in', c.firstIn);
      // As the relay's SLA timer and the sync core write them: due on the first message, breached
      // when it passes unanswered, cleared by the first reply.
      if (c.slaDue !== null && !final) {
        const due = iso(c.slaDue);
        set(c, { slaDueAt: due, slaFirstResponseDueAt: due, slaResolutionDueAt: null }, c.created + 1);
        if (c.replies[0]! > c.slaDue)
          set(c, { slaFirstResponseBreachedAt: due, slaFirstResponseBreaches: 1 }, c.slaDue);
      }
      if (c.opening !== null) message(c, 'out', c.opening);
      for (const s of final ? [] : c.callStates)
        set(
          c,
          { call: { state: s.state, at: iso(s.at), callId: `call-${c.id}`, queuedAt: iso(c.created) } },
          s.at,
        );
      for (const r of c.replies) message(c, 'out', r);
      if (c.slaDue !== null && !final) set(c, { slaDueAt: null, slaFirstResponseDueAt: null }, c.replies[0]!);
      if (c.callRecord)
        appendRecord(
          store,
          'call',
          uuidv7(c.callRecord.answeredAt),
          {
            customerId: c.customerId,
            conversationId: c.id,
            direction: 'in',
            from: '+15550100',
            to: 'queue',
            agentId: c.agentId,
            startedAt: iso(c.created),
            answeredAt: iso(c.callRecord.answeredAt),
            endedAt: iso(c.callRecord.endedAt),
            disposition: 'solved',
            note: '',
            createdAt: iso(c.created),
            wrappedUpAt: iso(c.callRecord.wrappedUpAt),
          },
          c.id,
          meta,
        );
      if (final) return;
      if (c.resolvedAt !== null) set(c, { status: 'resolved' }, c.resolvedAt);
      if (c.csat !== null)
        set(
          c,
          { csatScore: c.csat, csatAt: iso((c.resolvedAt ?? c.created) + 1) },
          (c.resolvedAt ?? c.created) + 1,
        );
    });
  const many = (cs: readonly GenConv[]) => store.transaction(() => cs.forEach((c) => write(c)));
  for (let i = 0; i < convs.length; i += perTransaction) many(convs.slice(i, i + perTransaction));
}

/** A conversation's last state, as one write. */
function finalFields(c: GenConv): Record<string, unknown> {
  const last = c.callStates.at(-1);
  const iso = (t: number) => new Date(t).toISOString();
  return {
    status: c.resolvedAt === null ? 'open' : 'resolved',
    ...(last ? { call: { state: last.state, at: iso(last.at), queuedAt: iso(c.created) } } : {}),
    ...(c.csat === null ? {} : { csatScore: c.csat }),
  };
}

export type Sums = Record<string, number>;
const zero = (): Sums => ({
  volume: 0,
  firstResponseCount: 0,
  firstResponseMs: 0,
  handledCalls: 0,
  talkMs: 0,
  holdMs: 0,
  afterCallMs: 0,
  resolvedCount: 0,
  resolutionMs: 0,
  csatCount: 0,
  csatSum: 0,
  slaMet: 0,
  slaBreached: 0,
  abandonedCalls: 0,
  abandonedChats: 0,
  serviceOffered: 0,
  serviceWithin: 0,
});

/** The local day (and hour) an instant falls in, read with Intl's own formatting. */
export function localKey(t: number, tz: string, bucket: 'hour' | 'day'): string {
  const s = new Date(t).toLocaleString('sv-SE', { timeZone: tz, hourCycle: 'h23' }); // "2026-03-08 01:30:00"
  return bucket === 'day' ? s.slice(0, 10) : s.slice(0, 13);
}

/**
 * The expected sums per `${group}|${local day or hour}` from the generated events alone, for
 * conversations matching `keep`; `now` decides SLA breaches of unanswered conversations.
 */
export function oracle(
  convs: readonly GenConv[],
  o: {
    tz: string;
    bucket: 'hour' | 'day';
    groupBy: 'agent' | 'team' | 'queue' | 'channel';
    now: number;
    keep?: (c: GenConv) => boolean;
  },
): Map<string, Sums> {
  const out = new Map<string, Sums>();
  for (const c of convs) {
    if (o.keep && !o.keep(c)) continue;
    const group = { agent: c.agentId ?? '', team: c.teamId, queue: c.inboxId, channel: c.channel }[o.groupBy];
    const key = `${group}|${localKey(c.created, o.tz, o.bucket)}`;
    const s = out.get(key) ?? zero();
    out.set(key, s);
    s.volume! += 1;
    const answeredCall = c.callStates.find((x) => x.state === 'talking')?.at ?? null;
    const firstReply = c.channel === 'voice' ? answeredCall : (c.replies[0] ?? null);
    const responded = c.firstIn !== null && firstReply !== null;
    if (responded) {
      s.firstResponseCount! += 1;
      s.firstResponseMs! += firstReply - c.firstIn!;
    }
    if (c.callRecord) {
      s.handledCalls! += 1;
      let talk = 0;
      let hold = 0;
      c.callStates.forEach((x, i) => {
        const next = c.callStates[i + 1];
        if (!next) return;
        if (x.state === 'talking') talk += next.at - x.at;
        if (x.state === 'held') hold += next.at - x.at;
      });
      s.talkMs! += talk;
      s.holdMs! += hold;
      s.afterCallMs! += c.callRecord.wrappedUpAt - c.callRecord.endedAt;
    }
    if (c.resolvedAt !== null) {
      s.resolvedCount! += 1;
      s.resolutionMs! += c.resolvedAt - c.created;
    }
    if (c.csat !== null) {
      s.csatCount! += 1;
      s.csatSum! += c.csat;
    }
    const abandonedCall = c.callStates.some((x) => x.state === 'abandoned');
    const leftChat = c.channel === 'chat' && c.resolvedAt !== null && c.replies.length === 0;
    if (abandonedCall) s.abandonedCalls! += 1;
    if (leftChat) s.abandonedChats! += 1;
    if (c.slaDue !== null) {
      if (firstReply! > c.slaDue) s.slaBreached! += 1;
      else s.slaMet! += 1;
    } else if (c.firstIn !== null) {
      const due = c.firstIn + FRT_SEC[c.channel]! * 1000;
      if (responded && firstReply <= due) s.slaMet! += 1;
      else if (!abandonedCall && !leftChat && (responded || due <= o.now)) s.slaBreached! += 1;
    }
    if (c.firstIn !== null) {
      const sl = SL_SEC[c.channel];
      if (sl !== undefined) {
        s.serviceOffered! += 1;
        if (responded && firstReply - c.firstIn <= sl * 1000) s.serviceWithin! += 1;
      }
    }
  }
  return out;
}
