import type { CallData } from '../../shared/sync/entities';
import type { CallView, ConversationView, ScreenPop, TimelineItemView } from '../../shared/views';
import { conversationsOfCustomer } from './conversations';
import { getCustomer, profileIds } from './customers';
import { stmt, type Db } from './statements';
import { latestOf } from './messages';

/** The phone lookup behind the screen-pop; its plan is pinned by a test (customer_phones' key). */
export const LOOKUP_PHONE_SQL =
  'SELECT customer_id FROM customer_phones WHERE phone = ? ORDER BY customer_id LIMIT 20';

/** Ids of customers having this E.164 number (index probe on customer_phones). */
export function customersByPhone(db: Db, phone: string): string[] {
  return (stmt(db, LOOKUP_PHONE_SQL).all(phone) as { customer_id: string }[]).map((r) => r.customer_id);
}

export const CALLS_OF_CUSTOMER_SQL = `SELECT id, data FROM records
  WHERE entity = 'call' AND json_extract(data, '$.customerId') = ? AND data IS NOT NULL AND deleted = 0
  ORDER BY sort_at DESC, id DESC LIMIT ?`;

/** A customer's calls, those of profiles merged into it included, newest first. Default limit 50. */
export function callsOfCustomer(db: Db, customerId: string, limit = 50): CallView[] {
  const rows = profileIds(db, customerId).flatMap(
    (id) => stmt(db, CALLS_OF_CUSTOMER_SQL).all(id, limit) as { id: string; data: string }[],
  );
  const calls = rows.map((r) => ({ ...(JSON.parse(r.data) as CallData), id: r.id }));
  if (rows.length > limit) calls.sort(newestFirst((c) => c.createdAt));
  return calls.slice(0, limit);
}

const newestFirst =
  <T extends { id: string }>(at: (x: T) => string) =>
  (a: T, b: T) =>
    at(b).localeCompare(at(a)) || b.id.localeCompare(a.id);

/**
 * A profile's conversations, latest activity first: its own and those of profiles merged into it
 * (which the relay moves to it; until an offline merge is confirmed they are still the source's).
 */
export function profileConversations(db: Db, customerId: string): ConversationView[] {
  const ids = profileIds(db, customerId);
  const convs = ids.flatMap((id) => conversationsOfCustomer(db, id) as ConversationView[]);
  if (ids.length > 1) convs.sort(newestFirst((c) => c.lastMessageAt));
  return convs;
}

/**
 * The profile to show while `phone` rings: the customer (the most recently active when several
 * share the number), open conversations, the latest messages and notes, calls. Null when unknown.
 */
export function screenPop(db: Db, phone: string): ScreenPop | null {
  const ids = customersByPhone(db, phone);
  const customers = ids.flatMap((id) => {
    const c = getCustomer(db, id);
    return c ? [c] : [];
  });
  if (customers.length === 0) return null;
  const withConvs = customers.map((c) => ({
    c,
    convs: profileConversations(db, c.id),
  }));
  const last = (x: (typeof withConvs)[number]) =>
    x.convs.reduce((m, v) => (v.lastMessageAt > m ? v.lastMessageAt : m), '');
  withConvs.sort((a, b) => (last(b) > last(a) ? 1 : last(b) < last(a) ? -1 : 0));
  const { c, convs } = withConvs[0]!;
  const recent: TimelineItemView[] = convs
    .slice(0, 5)
    .flatMap((v) => latestOf(db, v.id, 5))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
    .slice(0, 8);
  return {
    customer: c,
    openConversations: convs.filter((v) => v.status !== 'resolved'),
    recent,
    calls: callsOfCustomer(db, c.id, 5),
    others: withConvs.slice(1).map((x) => ({ id: x.c.id, name: x.c.name })),
  };
}
