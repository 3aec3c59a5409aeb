import type { Change } from '../../shared/sync/entities';
import type { ServerFrame } from '../../shared/sync/protocol';
import type { Logger } from '../core/logger';
import type { AsyncStoreReads } from '../data/asyncStore';
import { scopeOfData } from '../data/commits';
import type { Commit } from '../data/store';
import { audienceOf, canSee, privateToOf, visibleOfThread, type ConversationScope } from '../data/visibility';
import { tombstone } from './catchUp';
import { sendText, type Conn } from './connection';

// Live fan-out: the store tells what each transaction committed (store.onCommit), and every live
// connection gets the part its viewer may see (data/visibility.ts). The records come as written,
// already encoded; what the commit does not carry (the scope of a conversation it did not write,
// the whole thread for someone who gained sight of one) is read, all of a commit's reads at once.
// A commit that needs no read is sent at once; one that does waits for its reads, and the commits
// after it wait their turn, so every connection gets commits in order. A connection still catching
// up is skipped; its catch-up reads the log and goes live only once no commit it skipped is newer
// than what it read (`told`).

type Live = { c: Conn; viewer: NonNullable<Conn['viewer']>; gen: number; cursor: number };

/**
 * What a step of fan-out (`fanOutNext`) found to send: a commit (or a Commit-shaped batch of
 * several, read from the log), nothing, or that the log moved to `head` by more than is worth
 * sending as one batch: every live connection behind it catches up from its cursor.
 */
export type FanOutStep = Commit | { resync: number } | null;

export type FanOut = {
  /** Sends a commit to the live connections allowed to see it (subscribed to store.onCommit). */
  fanOut(commit: Commit): void;
  /**
   * Runs `step` once every commit and step told before it has been sent, and sends what it
   * resolves to in its turn (so a read of the log keeps its place among this process's commits).
   */
  fanOutNext(step: () => Promise<FanOutStep> | FanOutStep): void;
  /** The head of the newest commit whose live connections were chosen (also when there were none). */
  told(): number;
  /** Resolves once every commit told so far has been sent. */
  settled(): Promise<void>;
};

export type FanOutDeps = {
  store: AsyncStoreReads;
  conns: Iterable<Conn>;
  log: Logger;
  /** A connection that missed a commit (its reads failed) catches up again from its cursor. */
  restart(c: Conn): void;
};

export function createFanOut(d: FanOutDeps): FanOut {
  let told = 0;
  let tail: Promise<void> | null = null;

  function run(commit: Commit): Promise<void> | void {
    // Also with nobody live: a catch-up that read before this commit must read again.
    told = Math.max(told, commit.head);
    const live = pick(d.conns, commit, (c) => again(c, c.cursor));
    if (live.length === 0) return;
    const sent = sendCommit(d.store, live, commit);
    if (sent) return sent.catch((err: unknown) => missed(live, err));
  }

  function again(c: Conn, cursor: number): void {
    c.cursor = cursor;
    c.live = false;
    c.gen += 1;
    d.restart(c);
  }

  function resync(head: number): void {
    told = Math.max(told, head);
    for (const c of d.conns) if (c.live && c.viewer && !c.catchingUp && c.cursor < head) again(c, c.cursor);
  }

  function chain(next: () => Promise<void> | void): void {
    if (tail === null) {
      const pending = next();
      if (!pending) return;
      tail = pending.catch((err: unknown) => d.log.error({ err }, 'sync fan-out failed'));
    } else tail = tail.then(next).catch((err: unknown) => d.log.error({ err }, 'sync fan-out failed'));
    const mine: Promise<void> = tail.finally(() => {
      if (tail === mine) tail = null;
    });
    tail = mine;
  }

  function missed(live: readonly Live[], err: unknown): void {
    d.log.error({ err }, 'sync fan-out failed; its connections catch up from the log');
    for (const l of live) if (l.c.gen === l.gen) again(l.c, l.cursor);
  }

  return {
    fanOut(commit) {
      if (commit.records.length > 0) chain(() => run(commit));
    },
    fanOutNext(step) {
      chain(async () => {
        const found = await step();
        if (found === null) return;
        if ('resync' in found) return resync(found.resync);
        if (found.records.length === 0) told = Math.max(told, found.head);
        else return run(found);
      });
    },
    told: () => told,
    settled: () => tail ?? Promise.resolve(),
  };
}

/**
 * The live connections that have not seen this commit yet; each is moved to its head. One that
 * saw part of it (a batch of several commits read from the log, part of which its catch-up read
 * first) is handed to `partly` instead.
 */
function pick(conns: Iterable<Conn>, commit: Commit, partly: (c: Conn) => void): Live[] {
  const live: Live[] = [];
  for (const c of conns) {
    if (!c.live || !c.viewer || c.catchingUp) continue;
    // Already read from the log by its catch-up (a commit told after the catch-up read it).
    if (c.cursor >= commit.head) continue;
    if (c.cursor >= commit.first) {
      partly(c);
      continue;
    }
    live.push({ c, viewer: c.viewer, gen: c.gen, cursor: c.cursor });
    c.cursor = commit.head;
  }
  return live;
}

/**
 * Sends one commit to `live`: first the scope moves (tombstones to those who lost sight of a
 * conversation, the whole thread to those who gained it), then the changes each may see, in one
 * frame per distinct set of records (a team's members share it). Returns a promise when it had to
 * read first.
 */
function sendCommit(store: AsyncStoreReads, live: readonly Live[], commit: Commit): Promise<void> | void {
  const scopes = scopesOf(commit);
  const gained = gainers(live, commit);
  const missing = [...scopes].filter(([, s]) => s === undefined).map(([id]) => id);
  const send = (threads: Map<string, Change[]>) => {
    const open = live.filter((l) => l.c.gen === l.gen);
    sendScopeMoves(open, commit, threads);
    sendChanges(open, commit, scopes as Map<string, ConversationScope | null>);
  };
  if (missing.length === 0 && gained.length === 0) return send(new Map());
  const threads = new Map<string, Change[]>();
  return Promise.all([
    ...missing.map(async (id) => void scopes.set(id, await store.scopeOf(id))),
    ...gained.map(async (id) => void threads.set(id, await store.conversationRecords(id))),
  ]).then(() => send(threads));
}

/**
 * The scope each conversation of the commit has now: from the commit itself when it wrote the
 * conversation, else undefined (to be read: a message written to a conversation that did not change).
 */
function scopesOf(commit: Commit): Map<string, ConversationScope | null | undefined> {
  const scopes = new Map<string, ConversationScope | null | undefined>();
  for (const r of commit.records)
    if (r.change.entity === 'conversation' && r.convId === r.change.id && !r.change.deleted)
      scopes.set(r.change.id, scopeOfData(r.change.data));
  for (const r of commit.records)
    if (r.convId !== null && !scopes.has(r.convId)) scopes.set(r.convId, undefined);
  return scopes;
}

/** Conversations of the commit's scope moves that some live connection gains sight of. */
function gainers(live: readonly Live[], commit: Commit): string[] {
  const out: string[] = [];
  for (const [convId, { before, after }] of commit.scopeMoves)
    if (live.some((l) => !canSee(l.viewer, convId, before) && canSee(l.viewer, convId, after)))
      out.push(convId);
  return out;
}

function sendChanges(live: readonly Live[], commit: Commit, scopes: Map<string, ConversationScope | null>) {
  const audience = audienceOf(live.map((l) => ({ member: l.c, viewer: l.viewer })));
  const visible = new Map<Conn, number[]>();
  commit.records.forEach((r, i) => {
    const scope = r.convId === null ? null : (scopes.get(r.convId) ?? null);
    const add = (c: Conn) => {
      const l = visible.get(c);
      if (!l) visible.set(c, [i]);
      else if (l.at(-1) !== i) l.push(i);
    };
    audience.each(r.convId, scope, add, privateToOf(r.change.entity, r.change.data));
  });
  const encoded = new Map<string, Buffer>();
  for (const [c, indices] of visible) {
    const key = indices.join(',');
    let frame = encoded.get(key);
    if (!frame)
      encoded.set(
        key,
        (frame = changesFrame(
          indices.map((i) => commit.records[i]!.json),
          commit.head,
        )),
      );
    sendText(c, frame);
  }
}

/** A live `changes` frame from changes already encoded as JSON. */
function changesFrame(changes: readonly string[], cursor: number): Buffer {
  return Buffer.from(`{"t":"changes","changes":[${changes.join(',')}],"cursor":${cursor},"more":false}`);
}

/**
 * A conversation moved to another team or assignee: whoever lost sight of it gets a tombstone
 * (the app drops it and its thread from the cache); whoever gained it gets the whole thread
 * (`threads`, read for it), which the commit alone would not carry (only the changed record),
 * less what is private to others.
 */
function sendScopeMoves(live: readonly Live[], commit: Commit, threads: Map<string, Change[]>): void {
  for (const [convId, { before, after }] of commit.scopeMoves) {
    // One frame per distinct part of the thread: agents may each miss others' whispers.
    const parts = new Map<string, Buffer>();
    let gone: Buffer | null = null;
    for (const { c, viewer: v } of live) {
      const saw = canSee(v, convId, before);
      const sees = canSee(v, convId, after);
      if (saw === sees) continue;
      if (saw) sendText(c, (gone ??= frame([tombstone(convId, commit.head)], commit.head)));
      else {
        const key = v.role === 'agent' ? v.agentId : '';
        let part = parts.get(key);
        if (!part) parts.set(key, (part = frame(visibleOfThread(v, threads.get(convId) ?? []), commit.head)));
        sendText(c, part);
      }
    }
  }
}

function frame(changes: Extract<ServerFrame, { t: 'changes' }>['changes'], cursor: number): Buffer {
  return Buffer.from(JSON.stringify({ t: 'changes', changes, cursor, more: false } satisfies ServerFrame));
}
