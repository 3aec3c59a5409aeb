import type { AgentData, Change, Entity } from '../../shared/sync/entities';
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
  setCurrent,
  type RecordKey,
  type RecordState,
} from './records';
import { search } from './search';
import { acknowledgeResults, confirmChanges, indexSearchBacklog } from './relayInput';
import { confirmedStateHash } from './stateHash';
import { directory, type Directory } from './directory';

export type AgentIdentity = { deviceId: string; agent: { id: string } & AgentData };
/** Why the store changed, for listeners that refresh views or the sync state. */
export type StoreChange = { reason: 'mutate' | 'remote' | 'ack' | 'reject' | 'resync'; pending: number };
export type LocalStoreOptions = { path: string; key: Buffer; log: Logger; now?: () => number };

/**
 * The agent's encrypted replica: confirmed relay state, the optimistic state the UI reads, the
 * outbox and rejected mutations. One writer connection; every write is one transaction.
 */
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
      const read = new Map<string, RecordKey>();
      const writes = this.build(m, agent, (k) => {
        read.set(keyOf(k), k);
        return currentState(this.db, k);
      });
      for (const w of writes) setCurrent(this.db, w.key, w.state);
      // A mutation may write more than its arguments name (an undo moves conversations back), and
      // what it writes may depend on records it only read (a call copies its conversation's
      // customer): the outbox keeps every record it wrote or read, so a relay change to one replays
      // it on top.
      const touches = new Map<string, RecordKey>(read);
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
      // As `read` has them: in a rebase, a conversation a later pending change makes or moves is
      // not yet the customer's at this mutation's place (the relay had not seen that change either).
      conversationsOf: (customerId) =>
        conversationIdsOfCustomer(this.db, customerId).filter((id) => {
          const s = read({ entity: 'conversation', id });
          return s !== null && !s.deleted && s.data['customerId'] === customerId;
        }),
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
    const answer = this.db.transaction(() => {
      const now = () => new Date(this.now()).toISOString();
      const a = acknowledgeResults(this.db, results, { cursor: this.cursor(), now, log: this.log });
      this.rebase(a.rebase);
      return a;
    })();
    this.emit(answer.rejected > 0 ? 'reject' : 'ack');
    return { acked: answer.acked, rejected: answer.rejected };
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
    return confirmChanges(this.db, changes, this.clock);
  }

  /**
   * Indexes up to `limit` records of the search backlog left by a catch-up; true while more remain.
   * The sync client calls it in idle moments after catching up. Default limit 2,000.
   */
  indexSearchBacklog(limit = 2_000): boolean {
    return this.db.transaction(() => indexSearchBacklog(this.db, limit))();
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
    return confirmedStateHash(this.db);
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
  directory(): Directory {
    return directory(this.db);
  }
}
