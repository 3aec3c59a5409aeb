// What each client of a chaos schedule writes, derived from the schedule's seed only, so the test,
// the app driver (a separate process, restarted after SIGKILL) and a replay all agree on it.
import { uuidv7 } from '../../../src/shared/sync/ids';
import { prng } from '../../support/chaosProxy';

export const FIELDS = ['name', 'company', 'address', 'language'] as const;
export type Field = (typeof FIELDS)[number];

export type PlannedWrite =
  | { kind: 'message' | 'note'; id: string; conversationId: string; body: string }
  | { kind: 'update'; customerId: string; fields: Partial<Record<Field, string>> }
  | { kind: 'status'; conversationId: string; status: 'open' | 'pending' | 'resolved' };

export type PlanInput = {
  seed: number;
  /** Which client of the schedule (keeps plans of one schedule apart). */
  client: number;
  count: number;
  conversations: readonly string[];
  customers: readonly string[];
  /** Status changes carry no unique value, so the driver (which must find its writes again) skips them. */
  withStatus: boolean;
};

/** A deterministic UUID (v7 layout) from a PRNG, so a restarted driver recreates the same ids. */
function seededId(rnd: () => number): string {
  return uuidv7(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 1e9), (b) => b.map(() => Math.floor(rnd() * 256)));
}

/** A unique text tag of one write: `s<seed>c<client>w<index>`. */
export const tagOf = (seed: number, client: number, i: number) => `s${seed}c${client}w${i}`;
/** Every body and field value of a schedule starts with this prefix. */
export const schedulePrefix = (seed: number) => `s${seed}c`;

export function planWrites(p: PlanInput): PlannedWrite[] {
  const rnd = prng((p.seed * 7919 + p.client * 104_729) >>> 0);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: PlannedWrite[] = [];
  for (let i = 0; i < p.count; i++) {
    const tag = tagOf(p.seed, p.client, i);
    const k = rnd();
    if (k < 0.35) {
      out.push({ kind: 'message', id: seededId(rnd), conversationId: pick(p.conversations), body: tag });
    } else if (k < 0.6) {
      out.push({ kind: 'note', id: seededId(rnd), conversationId: pick(p.conversations), body: tag });
    } else if (k < 0.9 || !p.withStatus) {
      const fields: Partial<Record<Field, string>> = {};
      // Short values: language holds at most 16 characters.
      for (const f of FIELDS) if (rnd() < 0.4) fields[f] = `${tag}-${f.slice(0, 2)}`;
      const f = pick(FIELDS);
      fields[f] = `${tag}-${f.slice(0, 2)}`;
      out.push({ kind: 'update', customerId: pick(p.customers), fields });
    } else {
      out.push({
        kind: 'status',
        conversationId: pick(p.conversations),
        status: pick(['open', 'pending', 'resolved']),
      });
    }
  }
  return out;
}

/** The named mutation that carries a planned write. */
export function toMutation(w: PlannedWrite): { name: string; args: Record<string, unknown> } {
  switch (w.kind) {
    case 'message':
      return { name: 'message.send', args: { id: w.id, conversationId: w.conversationId, body: w.body } };
    case 'note':
      return { name: 'note.add', args: { id: w.id, conversationId: w.conversationId, body: w.body } };
    case 'update':
      return { name: 'customer.update', args: { id: w.customerId, fields: w.fields } };
    case 'status':
      return { name: 'conversation.setStatus', args: { id: w.conversationId, status: w.status } };
  }
}
