import { decodeHlc, isHlc, type Hlc } from '../../shared/sync/hlc';
import type { Entity } from '../../shared/sync/entities';
import type { Database } from './database';

/**
 * One row per conversation of what reports need (migration 009), kept up to date inside the
 * write transaction of every record it derives from, so a month of a large center's work is an
 * index range scan over small rows instead of parsing every message's JSON. Every figure of a
 * conversation counts in the bucket the conversation began in.
 *
 * Sources, all synced records:
 * - the conversation: channel, team, queue (inbox), agent (assignee), createdAt, CSAT, its SLA
 *   (whether a policy ever set it a due time, the due time still owed, breaches), resolution (the clock of its `status` field when that is `resolved`),
 *   and for voice the relay's `call` state: each change closes an interval of talking or held
 *   (talk and hold time), the first `talking` is the answer, `abandoned` a caller who hung up;
 * - messages: the customer's first message, the first agent reply after it (first response);
 * - call records (the app's call log): talk time where the relay saw no call state (outbound,
 *   other PBXs), and after-call work from hang-up to the wrap-up (`wrappedUpAt`).
 */
export type FactRecord = {
  entity: Entity;
  id: string;
  data: Record<string, unknown>;
  clocks: Record<string, Hlc>;
  deleted: boolean;
};

type FactRow = {
  conv_id: string;
  first_in_at: number | null;
  first_response_at: number | null;
  call_state: string | null;
  call_state_at: number | null;
  talk_ms: number;
  hold_ms: number;
  sla_owed: number;
};

const ms = (v: unknown): number | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
};
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

export type ReportFacts = ReturnType<typeof createReportFacts>;

/** The statements that keep report_facts and report_calls; `apply` runs inside the caller's transaction. */
export function createReportFacts(db: Database) {
  const q = factStatements(db);
  return {
    /** Brings the facts up to date with one record's new state (others are ignored). */
    apply(r: FactRecord): void {
      if (r.entity === 'conversation') putConversationFacts(q, r);
      else if (r.entity === 'message') putMessageFacts(q, r);
      else if (r.entity === 'call') putCallRecordFacts(q, r);
    },
  };
}

type FactStatements = ReturnType<typeof factStatements>;

function factStatements(db: Database) {
  return {
    get: db.prepare<[string], FactRow>(
      'SELECT conv_id, first_in_at, first_response_at, call_state, call_state_at, talk_ms, hold_ms, sla_owed FROM report_facts WHERE conv_id = ?',
    ),
    upsert: db.prepare(`INSERT INTO report_facts (conv_id, created_at, channel, team_id, inbox_id, agent_id,
        first_in_at, first_response_at, resolved_at, csat, sla_due_at, sla_owed, sla_breaches, abandoned, call_state, call_state_at, talk_ms, hold_ms)
      VALUES (@conv_id, @created_at, @channel, @team_id, @inbox_id, @agent_id, @first_in_at, @first_response_at,
        @resolved_at, @csat, @sla_due_at, @sla_owed, @sla_breaches, @abandoned, @call_state, @call_state_at, @talk_ms, @hold_ms)
      ON CONFLICT (conv_id) DO UPDATE SET created_at = excluded.created_at, channel = excluded.channel,
        team_id = excluded.team_id, inbox_id = excluded.inbox_id, agent_id = excluded.agent_id,
        first_in_at = excluded.first_in_at, first_response_at = excluded.first_response_at,
        resolved_at = excluded.resolved_at, csat = excluded.csat, sla_due_at = excluded.sla_due_at,
        sla_owed = excluded.sla_owed, sla_breaches = excluded.sla_breaches,
        abandoned = excluded.abandoned, call_state = excluded.call_state, call_state_at = excluded.call_state_at,
        talk_ms = excluded.talk_ms, hold_ms = excluded.hold_ms`),
    drop: db.prepare('DELETE FROM report_facts WHERE conv_id = ?'),
    customerMessage: db.prepare(
      'UPDATE report_facts SET first_in_at = min(coalesce(first_in_at, @t), @t) WHERE conv_id = @conv',
    ),
    // Only a reply after the customer wrote is a response (an agent's opening message is not).
    agentMessage: db.prepare(`UPDATE report_facts SET first_response_at = @t
      WHERE conv_id = @conv AND first_in_at IS NOT NULL AND @t >= first_in_at
        AND (first_response_at IS NULL OR @t < first_response_at)`),
    putCall: db.prepare(`INSERT INTO report_calls (call_id, conv_id, answered, talk_ms, acw_ms)
      VALUES (@id, @conv, @answered, @talk, @acw)
      ON CONFLICT (call_id) DO UPDATE SET conv_id = excluded.conv_id, answered = excluded.answered,
        talk_ms = excluded.talk_ms, acw_ms = excluded.acw_ms`),
    // A call record may be written again (its recording, its quality): the sums are recomputed, never added twice.
    threadOf: db
      .prepare<[string], string>(
        "SELECT data FROM records WHERE conv_id = ? AND entity = 'message' AND deleted = 0 ORDER BY seq",
      )
      .pluck(),
    sumCalls: db.prepare(`UPDATE report_facts SET
        rec_calls = (SELECT count(*) FROM report_calls c WHERE c.conv_id = @conv AND c.answered = 1),
        rec_talk_ms = (SELECT total(talk_ms) FROM report_calls c WHERE c.conv_id = @conv),
        acw_ms = (SELECT total(acw_ms) FROM report_calls c WHERE c.conv_id = @conv)
      WHERE conv_id = @conv`),
  };
}

/** A conversation's call figures: the customer's first contact, the first answer, the call state and its times. */
type CallFacts = {
  firstIn: number | null;
  firstResponse: number | null;
  state: string | null;
  at: number | null;
  talk: number;
  hold: number;
  abandoned: number;
};

/** Keeps (or drops) the facts row of a conversation; the first time, counts what was written before it. */
function putConversationFacts(q: FactStatements, r: FactRecord): void {
  if (r.deleted) {
    q.drop.run(r.id);
    return;
  }
  const createdAt = ms(r.data['createdAt']);
  const channel = str(r.data['channel']);
  if (createdAt === null || channel === null) return;
  const prev = q.get.get(r.id);
  q.upsert.run(conversationFactRow(r, prev, createdAt, channel));
  if (!prev) {
    // Messages and call records written before their conversation (the demo seed, an import)
    // count as well: they found no row to update then.
    for (const json of q.threadOf.all(r.id))
      putMessageFacts(q, { ...r, entity: 'message', data: JSON.parse(json) as Record<string, unknown> });
    q.sumCalls.run({ conv: r.id });
  }
}

/** The report_facts row of a conversation's new state, after its previous row `prev`. */
function conversationFactRow(r: FactRecord, prev: FactRow | undefined, createdAt: number, channel: string) {
  const d = r.data;
  const call = callFacts(prev, d['call']);
  const status = str(d['status']);
  const statusClock = r.clocks['status'];
  const resolvedAt =
    status === 'resolved' ? (isHlc(statusClock) ? decodeHlc(statusClock).wall : createdAt) : null;
  const csat = typeof d['csatScore'] === 'number' && Number.isFinite(d['csatScore']) ? d['csatScore'] : null;
  return {
    conv_id: r.id,
    created_at: createdAt,
    channel,
    team_id: str(d['teamId']),
    inbox_id: str(d['inboxId']),
    agent_id: str(d['assigneeId']),
    first_in_at: call.firstIn,
    first_response_at: call.firstResponse,
    resolved_at: resolvedAt,
    csat,
    sla_due_at: ms(d['slaDueAt']),
    // Due times are cleared once met, so whether one was ever owed is remembered here.
    sla_owed:
      prev?.sla_owed === 1 || ms(d['slaFirstResponseDueAt']) !== null || ms(d['slaResolutionDueAt']) !== null
        ? 1
        : 0,
    sla_breaches: count(d['slaFirstResponseBreaches']) + count(d['slaResolutionBreaches']),
    abandoned: call.abandoned,
    call_state: call.state,
    call_state_at: call.at,
    talk_ms: call.talk,
    hold_ms: call.hold,
  };
}

/** The call figures kept in `prev`, moved on by the relay's call state `call` (the conversation's `call` field). */
function callFacts(prev: FactRow | undefined, call: unknown): CallFacts {
  const f: CallFacts = {
    firstIn: prev?.first_in_at ?? null,
    firstResponse: prev?.first_response_at ?? null,
    state: prev?.call_state ?? null,
    at: prev?.call_state_at ?? null,
    talk: prev?.talk_ms ?? 0,
    hold: prev?.hold_ms ?? 0,
    abandoned: 0,
  };
  if (!call || typeof call !== 'object') return f;
  const c = call as Record<string, unknown>;
  const state = str(c['state']);
  const at = ms(c['at']);
  if (state !== null && at !== null && (state !== f.state || at !== f.at)) {
    // The interval since the last state change was spent in that state.
    if (f.at !== null && at >= f.at) {
      if (f.state === 'talking') f.talk += at - f.at;
      if (f.state === 'held') f.hold += at - f.at;
    }
    if (state === 'talking') f.firstResponse = minOf(f.firstResponse, at);
    f.state = state;
    f.at = at;
  }
  f.firstIn = minOf(f.firstIn, ms(c['queuedAt']));
  f.abandoned = f.state === 'abandoned' ? 1 : 0;
  return f;
}

/** Moves a conversation's first customer message or first agent reply earlier when this message is. */
function putMessageFacts(q: FactStatements, r: FactRecord): void {
  const conv = str(r.data['conversationId']);
  const t = ms(r.data['createdAt']);
  if (conv === null || t === null || r.deleted) return;
  if (r.data['direction'] === 'in') q.customerMessage.run({ conv, t });
  else if (r.data['direction'] === 'out' && typeof r.data['authorId'] === 'string')
    q.agentMessage.run({ conv, t });
}

/** Keeps a call record's talk and after-call work and sums them again for its conversation. */
function putCallRecordFacts(q: FactStatements, r: FactRecord): void {
  const conv = str(r.data['conversationId']);
  if (conv === null || r.deleted) return;
  const answered = ms(r.data['answeredAt']);
  const ended = ms(r.data['endedAt']);
  const wrapped = ms(r.data['wrappedUpAt']);
  q.putCall.run({
    id: r.id,
    conv,
    answered: answered === null ? 0 : 1,
    talk: answered !== null && ended !== null ? Math.max(0, ended - answered) : 0,
    acw: answered !== null && ended !== null && wrapped !== null ? Math.max(0, wrapped - ended) : 0,
  });
  q.sumCalls.run({ conv });
}

/**
 * Fills the facts from the records already stored (migration 009): conversations first, each
 * replaying the call states its field history kept, then messages and call records in log order.
 */
export function backfillReportFacts(db: Database): void {
  const facts = createReportFacts(db);
  type Row = { entity: Entity; id: string; data: string; clocks: string; deleted: number };
  const parse = (r: Row): FactRecord => ({
    entity: r.entity,
    id: r.id,
    data: JSON.parse(r.data) as Record<string, unknown>,
    clocks: JSON.parse(r.clocks) as Record<string, Hlc>,
    deleted: r.deleted === 1,
  });
  const callHistory = db
    .prepare<[string], string>(
      `SELECT r.data FROM field_history h JOIN records r ON r.entity = 'fieldChange' AND r.id = h.change_id
       WHERE h.entity = 'conversation' AND h.record_id = ? AND h.field = 'call' AND h.outcome = 'won'
       ORDER BY h.clock`,
    )
    .pluck();
  const page = db.prepare<[string, number], Row & { seq: number }>(
    'SELECT entity, id, data, clocks, deleted, seq FROM records WHERE entity = ? AND seq > ? ORDER BY seq LIMIT 1000',
  );
  // Pages, not an iterator: the connection cannot write while a statement is being iterated.
  function* of(entity: string): Generator<Row> {
    for (let after = 0; ;) {
      const rows = page.all(entity, after);
      if (rows.length === 0) return;
      yield* rows;
      after = rows.at(-1)!.seq;
    }
  }
  for (const row of of('conversation')) {
    const conv = parse(row);
    if (conv.deleted) continue;
    for (const json of callHistory.all(conv.id)) {
      const value = (JSON.parse(json) as { value?: unknown }).value;
      if (value && typeof value === 'object') facts.apply({ ...conv, data: { ...conv.data, call: value } });
    }
    facts.apply(conv);
  }
  for (const entity of ['message', 'call']) for (const row of of(entity)) facts.apply(parse(row));
}
