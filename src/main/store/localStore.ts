import { createHash } from 'node:crypto';
import type { AgentData, Change, Entity } from '../../shared/sync/entities';
import { canonicalJson } from '../../shared/sync/canonicalJson';
import { HlcClock, isHlc, type Hlc } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import { isMutationName, mutationArgs, type Mutation, type MutationName } from '../../shared/sync/mutations';
import type { PushOutcome } from '../../shared/sync/protocol';
import { SyncRefusal } from '../../shared/sync/refusal';
import type { Logger } from '../base/logger';
import { conversationsOfCustomer, getConversation, listConversations, markRead } from './conversations';
import { getCustomer, listCustomers } from './customers';
import { openEncryptedDb } from './db';
import { stmt, type Db } from './statements';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { fieldHistory } from './history';
import { messagesOf, notesOf, timelineOf } from './messages';
import { deleteMeta, getMeta, setMeta } from './meta';
import { runMutator, touchesOf, type MutatorContext, type RecordChange } from './mutators';
import { rebase } from './rebase';
import * as outbox from './outbox';
import {
  conversationIdsOfCustomer,
  currentState,
  inboxFor,
  keyOf,
  setConfirmed,
  setConfirmedAndCurrent,
  setCurrent,
  type RecordKey,
  type RecordState,
} from './records';
import { search } from './search';
import { indexBacklog, reindex } from './searchIndex';

export type AgentIdentity = { deviceId: string; agent: { id: string } & AgentData };
/** Why the store changed, for listeners that refresh views or the sync state. */
export type StoreChange = { reason: 'mutate' | 'remote' | 'ack' | 'reject' | 'resync'; pending: number };
export type LocalStoreOptions = { path: string; key: Buffer; log: Logger; now?: () => number };

/**
 * The agent's encrypted replica: confirmed relay state, the optimistic state the UI reads, the
 * outbox and rejected mutations. One writer connection; every write is one transaction.
 */
/** Changes in one frame from which on new rows are indexed for search afterwards, in the backlog. */
const BULK_PAGE = 100;

export class LocalStore {
  readonly db: Db;
  private readonly log: Logger;
  private readonly now: () => number;
  private clock: HlcClock | null = null;
  private readonly listeners = new Set<(c: StoreChange) => void>();

  /** Opens (creating if needed) the cache at `path` with its 32-byte key. `now` defaults to Date.now. */
  static open(opts: LocalStoreOptions): LocalStore {
    return new LocalStore(openEncryptedDb(opts.path, opts.key), opts.log, opts.now ?? Date.now);
  }

  private constructor(db: Db, log: Logger, now: () => number) {
    this.db = db;
    this.log = log;
    this.now = now;
    const id = this.identity();
    if (id) this.startClock(id.deviceId);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  /** Subscribes to committed changes; returns the unsubscribe function. */
  onChange(listener: (c: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // --- identity, cursor, session -------------------------------------------------------------

  /** Remembers who uses this cache (from login or the relay's welcome); the device id clocks mutations. */
  setIdentity(id: AgentIdentity): void {
    const prev = getMeta(this.db, 'deviceId');
    this.db.transaction(() => {
      setMeta(this.db, 'deviceId', id.deviceId);
      setMeta(this.db, 'agent', JSON.stringify(id.agent));
    })();
    if (prev !== id.deviceId) this.startClock(id.deviceId);
  }

  identity(): AgentIdentity | null {
    const deviceId = getMeta(this.db, 'deviceId');
    const agent = getMeta(this.db, 'agent');
    return deviceId && agent ? { deviceId, agent: JSON.parse(agent) as AgentIdentity['agent'] } : null;
  }

  /** Last relay log position whose changes are in this store; 0 for a new cache. */
  cursor(): number {
    return Number(getMeta(this.db, 'cursor') ?? 0);
  }

  /** True while a full resync is under way (its cursor is 0 until the snapshot ends). */
  isResyncing(): boolean {
    return getMeta(this.db, 'resyncing') === '1';
  }

  /** Opaque session data of the sync client (tokens); kept here because this file is encrypted. */
  getSession(): string | undefined {
    return getMeta(this.db, 'session');
  }

  setSession(value: string | null): void {
    if (value === null) deleteMeta(this.db, 'session');
    else setMeta(this.db, 'session', value);
  }

  private startClock(deviceId: string): void {
    this.clock = new HlcClock(deviceId, this.now);
    // Never issue a clock below one issued before a restart, even if the wall clock went back.
    const last = getMeta(this.db, 'hlc');
    if (last && isHlc(last)) this.clock.receive(last);
  }

  // --- local writes -------------------------------------------------------------------------

  /**
   * Validates a named mutation, applies it optimistically and appends it to the outbox in one
   * transaction. Throws LocalError INVALID_MUTATION (nothing written) on bad arguments.
   */
  mutate<N extends MutationName>(name: N, args: unknown): Mutation<N> {
    if (!isMutationName(name))
      throw new LocalError(LOCAL_ERR.INVALID_MUTATION, `Unknown action "${String(name)}".`);
    const parsed = mutationArgs[name].safeParse(args);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`);
      throw new LocalError(LOCAL_ERR.INVALID_MUTATION, `This change is not valid: ${issues.join('; ')}`, {
        issues,
      });
    }
    const clock = this.clock;
    const agent = this.identity()?.agent;
    if (!clock || !agent)
      throw new LocalError(LOCAL_ERR.NOT_SIGNED_IN, 'Sign in once before working offline.');
    const m = this.db.transaction(() => {
      const m = { id: uuidv7(this.now()), name, args: parsed.data, clock: clock.now() } as Mutation<N>;
      const writes = this.build(m, agent, (k) => currentState(this.db, k));
      for (const w of writes) setCurrent(this.db, w.key, w.state);
      // A mutation may write more than its arguments name (an undo moves conversations back):
      // the outbox keeps every record it wrote, so a relay change to one replays it on top.
      const touches = new Map<string, RecordKey>();
      for (const k of [...touchesOf(name, m.args), ...writes.map((w) => w.key)]) touches.set(keyOf(k), k);
      outbox.appendOutbox(this.db, m, [...touches.values()], new Date(this.now()).toISOString());
      setMeta(this.db, 'hlc', m.clock);
      return m;
    })();
    this.emit('mutate');
    return m;
  }

  /**
   * Runs a mutation's record builder on the records as `read` gives them. A refusal (arguments
   * that break a domain rule on the state held here) writes nothing: the mutation still goes to
   * the relay, which refuses it with the same reason, shown to the agent as a rejected change.
   */
  private build(
    m: Mutation,
    agent: { id: string; teamIds: readonly string[] } | undefined,
    read: MutatorContext['read'],
    wants?: MutatorContext['wants'],
  ): RecordChange[] {
    const ctx = this.mutatorContext(agent, m.clock, read);
    try {
      return runMutator(m.name, m.args, wants ? { ...ctx, wants } : ctx);
    } catch (err) {
      if (err instanceof SyncRefusal) return [];
      throw err;
    }
  }

  private mutatorContext(
    agent: { id: string; teamIds: readonly string[] } | undefined,
    clock: Hlc,
    read: MutatorContext['read'],
  ): MutatorContext {
    return {
      agentId: agent?.id ?? null,
      teamIds: agent?.teamIds ?? [],
      clock,
      read,
      inboxFor: (teamId, channel) => inboxFor(this.db, teamId, channel),
      conversationsOf: (customerId) => conversationIdsOfCustomer(this.db, customerId),
    };
  }

  /** A new record id (UUIDv7) for mutation arguments. */
  newId(): string {
    return uuidv7(this.now());
  }

  // --- relay input --------------------------------------------------------------------------

  /**
   * Applies changes from the relay as confirmed state and moves the cursor in the same
   * transaction, then rebases the pending mutations touching those records.
   */
  applyChanges(changes: readonly Change[], cursor?: number): void {
    this.db.transaction(() => {
      const keys = this.confirm(changes);
      if (cursor !== undefined && cursor > this.cursor()) {
        setMeta(this.db, 'cursor', String(cursor));
        // Their effects are in the confirmed state now; replaying them was a no-op, so dropping
        // them changes no current state: nothing to rebase for them.
        outbox.dropAckedThrough(this.db, cursor);
      }
      this.rebase(keys);
    })();
    this.emit('remote');
  }

  /** Takes the relay's answers to a pushed batch: applied/duplicate are acknowledged, rejected are rolled back. */
  acknowledge(results: readonly PushOutcome[]): { acked: number; rejected: number } {
    let acked = 0;
    let rejected = 0;
    this.db.transaction(() => {
      const cursor = this.cursor();
      const rebase: RecordKey[] = [];
      for (const r of results) {
        const row = outbox.getOutboxRow(this.db, r.id);
        if (!row || row.state === 'acked') continue;
        if (r.status === 'rejected') {
          outbox.insertRejected(
            this.db,
            outbox.toMutation(row),
            r.code,
            r.message,
            new Date(this.now()).toISOString(),
          );
          rebase.push(...outbox.removeFromOutbox(this.db, row.position));
          rejected++;
          this.log.warn({ mutation: row.id, name: row.name, code: r.code }, 'relay rejected a mutation');
        } else if (r.seq <= cursor) {
          // Its effect already arrived with the changes we hold: replaying it on them was a no-op
          // (mutators are idempotent on their own confirmed effect), so no current state changes.
          outbox.removeFromOutbox(this.db, row.position);
          acked++;
        } else {
          outbox.markAcked(this.db, row.position, r.seq);
          acked++;
        }
      }
      this.rebase(rebase);
    })();
    this.emit(rejected > 0 ? 'reject' : 'ack');
    return { acked, rejected };
  }

  /** Marks mutations as sent (for the UI: "sending" vs "waiting"). */
  markSent(ids: readonly string[]): void {
    this.db.transaction(() => outbox.markSent(this.db, ids))();
  }

  /** Full resync, step 1: forget the confirmed state and cursor. The outbox stays, replayed on what remains. */
  beginResync(): void {
    this.db.transaction(() => {
      stmt(this.db, 'DELETE FROM records').run();
      stmt(this.db, "INSERT INTO search (search) VALUES ('delete-all')").run();
      setMeta(this.db, 'cursor', '0');
      setMeta(this.db, 'resyncing', '1');
      this.rebase(outbox.allTouched(this.db));
    })();
    this.emit('resync');
  }

  /** Full resync, step 2 (per page): confirmed records from the snapshot, pending mutations replayed on them. */
  applySnapshotPage(changes: readonly Change[]): void {
    this.db.transaction(() => this.rebase(this.confirm(changes)))();
    this.emit('resync');
  }

  /** Full resync, step 3: the snapshot is complete up to `cursor`. */
  endResync(cursor: number): void {
    this.db.transaction(() => {
      setMeta(this.db, 'cursor', String(cursor));
      deleteMeta(this.db, 'resyncing');
      this.rebase(outbox.dropAckedThrough(this.db, cursor));
    })();
    this.emit('resync');
  }

  private confirm(changes: readonly Change[]): RecordKey[] {
    const keys: RecordKey[] = [];
    // A page of a catch-up or snapshot (many changes at once) leaves new rows' search indexing to
    // the backlog, done after catch-up; live changes (a few at a time) are indexed at once.
    const deferFrom = changes.length >= BULK_PAGE ? this.searchBacklogFrom() : null;
    for (const c of changes) {
      for (const h of Object.values(c.clocks)) if (isHlc(h)) this.clock?.receive(h);
      // Untouched by the outbox (the bulk of an initial sync): confirmed and current in one write.
      if (c.entity === 'conversation' && c.deleted) this.dropThread(c.id);
      if (!outbox.isTouched(this.db, c)) setConfirmedAndCurrent(this.db, c, deferFrom);
      else if (setConfirmed(this.db, c)) keys.push({ entity: c.entity, id: c.id });
      // A pending merge of this conversation's customer moves it too: replay the merge on it.
      const customerId = c.entity === 'conversation' ? c.data?.['customerId'] : undefined;
      if (typeof customerId === 'string' && outbox.isMergePending(this.db, customerId))
        keys.push({ entity: 'customer', id: customerId });
    }
    return keys;
  }

  /**
   * A conversation this agent may no longer see (moved to another team, or deleted): its thread,
   * calls and field history leave the cache and the search index with it (inside a transaction).
   */
  private dropThread(convId: string): void {
    for (const entity of ['message', 'note', 'call', 'fieldChange'] as const) {
      const rows = stmt(this.db, 'SELECT rowid FROM records WHERE entity = ? AND parent_id = ?').all(
        entity,
        convId,
      ) as {
        rowid: number;
      }[];
      for (const r of rows) {
        reindex(this.db, r.rowid, entity, null);
        stmt(this.db, 'DELETE FROM records WHERE rowid = ?').run(r.rowid);
      }
    }
  }

  /** Where the search backlog starts, starting one at the next rowid if there is none (inside a transaction). */
  private searchBacklogFrom(): number {
    const held = getMeta(this.db, 'searchBacklogFrom');
    if (held !== undefined) return Number(held);
    const next = (
      stmt(this.db, 'SELECT coalesce(max(rowid), 0) + 1 AS n FROM records').get() as { n: number }
    ).n;
    setMeta(this.db, 'searchBacklogFrom', String(next));
    return next;
  }

  /**
   * Indexes up to `limit` records of the search backlog left by a catch-up; true while more remain.
   * The sync client calls it in idle moments after catching up. Default limit 2,000.
   */
  indexSearchBacklog(limit = 2_000): boolean {
    const more = this.db.transaction(() => {
      const held = getMeta(this.db, 'searchBacklogFrom');
      if (held === undefined) return false;
      const next = indexBacklog(this.db, Number(held), limit);
      if (next === null) deleteMeta(this.db, 'searchBacklogFrom');
      else setMeta(this.db, 'searchBacklogFrom', String(next));
      return next !== null;
    })();
    return more;
  }

  /** Current state := confirmed state + the pending mutations touching these records, in order. */
  private rebase(keys: readonly RecordKey[]): void {
    const agent = this.identity()?.agent;
    rebase(this.db, keys, (m, read, wants) => this.build(m, agent, read, wants));
  }

  private emit(reason: StoreChange['reason']): void {
    if (this.listeners.size === 0) return;
    const c = { reason, pending: this.pendingCount() };
    for (const l of this.listeners) l(c);
  }

  // --- readers ------------------------------------------------------------------------------

  /** Mutations made here that the relay has not acknowledged yet. */
  pendingCount(): number {
    return outbox.unsentCount(this.db);
  }

  /** The oldest unacknowledged mutations, in order (the next batch to push). */
  pending(limit = 100): outbox.PendingMutation[] {
    return outbox.outboxHead(this.db, limit);
  }

  rejected(): outbox.RejectedMutation[] {
    return outbox.listRejected(this.db);
  }

  dismissRejected(id: string): boolean {
    return outbox.dismissRejected(this.db, id);
  }

  /** SHA-256 (hex) of the confirmed state, sorted by entity and id, as canonical JSON: equal replicas, equal hashes. */
  stateHash(): string {
    const h = createHash('sha256');
    const rows = stmt(
      this.db,
      'SELECT entity, id, server_data, server_clocks, server_deleted FROM records WHERE confirmed = 1 ORDER BY entity, id',
    ).iterate() as IterableIterator<{
      entity: string;
      id: string;
      server_data: string | null;
      server_clocks: string;
      server_deleted: number;
    }>;
    for (const r of rows) {
      const data = r.server_data === null ? null : (JSON.parse(r.server_data) as unknown);
      h.update(
        canonicalJson([r.entity, r.id, data, JSON.parse(r.server_clocks), r.server_deleted === 1]) + '\n',
      );
    }
    return h.digest('hex');
  }

  /** The record as the UI sees it now (confirmed + pending), or null. */
  record(entity: Entity, id: string): RecordState | null {
    return currentState(this.db, { entity, id });
  }

  customers = (opts?: Parameters<typeof listCustomers>[1]) => listCustomers(this.db, opts);
  customer = (id: string) => getCustomer(this.db, id);
  conversations = (opts?: Parameters<typeof listConversations>[1]) => listConversations(this.db, opts);
  conversation = (id: string) => getConversation(this.db, id);
  /** Marks a conversation read now on this device (unread counts are per device). */
  markRead = (id: string) => markRead(this.db, id, new Date(this.now()).toISOString());
  conversationsOfCustomer = (customerId: string) => conversationsOfCustomer(this.db, customerId);
  messages = (conversationId: string) => messagesOf(this.db, conversationId);
  notes = (conversationId: string) => notesOf(this.db, conversationId);
  timeline = (conversationId: string) => timelineOf(this.db, conversationId);
  fieldHistory = (entity: Entity, recordId: string, field?: string) =>
    fieldHistory(this.db, entity, recordId, field);
  search = (query: string, opts?: { limit?: number }) => search(this.db, query, opts);

  /** Teams and agents as synced (names and team membership only), for transfer and @mentions. */
  directory(): {
    teams: { id: string; name: string }[];
    agents: { id: string; name: string; teamIds: string[] }[];
  } {
    const rows = stmt(
      this.db,
      "SELECT entity, id, data FROM records WHERE entity IN ('team', 'agent') AND data IS NOT NULL AND deleted = 0",
    ).all() as { entity: 'team' | 'agent'; id: string; data: string }[];
    const teams: { id: string; name: string }[] = [];
    const agents: { id: string; name: string; teamIds: string[] }[] = [];
    for (const r of rows) {
      const d = JSON.parse(r.data) as { name?: unknown; teamIds?: unknown };
      const name = typeof d.name === 'string' ? d.name : '';
      if (r.entity === 'team') teams.push({ id: r.id, name });
      else agents.push({ id: r.id, name, teamIds: Array.isArray(d.teamIds) ? (d.teamIds as string[]) : [] });
    }
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    return { teams: teams.sort(byName), agents: agents.sort(byName) };
  }
}
