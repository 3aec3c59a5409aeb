import type { ServerFrame } from '../../shared/sync/protocol';
import { scopeOfData } from '../data/commits';
import type { Commit, Store } from '../data/store';
import { audienceOf, canSee, privateToOf, visibleOfThread, type ConversationScope } from '../data/visibility';
import { tombstone } from './catchUp';
import { sendText, type Conn } from './connection';

// Live fan-out: the store tells what each transaction committed (store.onCommit), and every live
// connection gets the part its viewer may see (data/visibility.ts). Nothing is read back: the
// records come as written, already encoded. A connection still catching up is skipped; its
// catch-up reads the log and marks it live once it has reached the head.

/**
 * Sends one commit to the live connections among `conns`: first the scope moves (tombstones to
 * those who lost sight of a conversation, the whole thread to those who gained it), then the
 * changes each may see, in one frame per distinct set of records (a team's members share it).
 */
export function fanOut(store: Store, conns: Iterable<Conn>, commit: Commit): void {
  if (commit.records.length === 0) return;
  const live: { member: Conn; viewer: NonNullable<Conn['viewer']> }[] = [];
  for (const c of conns) {
    if (!c.live || !c.viewer || c.catchingUp) continue;
    c.cursor = commit.head;
    live.push({ member: c, viewer: c.viewer });
  }
  if (live.length === 0) return;
  sendScopeMoves(store, live, commit);
  const audience = audienceOf(live);
  const scopes = scopesOf(store, commit);
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
 * The scope each conversation of the commit has now: from the commit itself when it wrote the
 * conversation, else from the store (a message written to a conversation that did not change).
 */
function scopesOf(store: Store, commit: Commit): Map<string, ConversationScope | null> {
  const scopes = new Map<string, ConversationScope | null>();
  for (const r of commit.records)
    if (r.change.entity === 'conversation' && r.convId === r.change.id && !r.change.deleted)
      scopes.set(r.change.id, scopeOfData(r.change.data));
  for (const r of commit.records)
    if (r.convId !== null && !scopes.has(r.convId)) scopes.set(r.convId, store.scopeOf(r.convId));
  return scopes;
}

/**
 * A conversation moved to another team or assignee: whoever lost sight of it gets a tombstone
 * (the app drops it and its thread from the cache); whoever gained it gets the whole thread, which
 * the commit alone would not carry (only the changed record), less what is private to others.
 */
function sendScopeMoves(store: Store, live: readonly { member: Conn }[], commit: Commit): void {
  for (const [convId, { before, after }] of commit.scopeMoves) {
    let records: ReturnType<Store['conversationRecords']> | null = null;
    // One frame per distinct part of the thread: agents may each miss others' whispers.
    const threads = new Map<string, Buffer>();
    let gone: Buffer | null = null;
    for (const { member: c } of live) {
      const v = c.viewer!;
      const saw = canSee(v, convId, before);
      const sees = canSee(v, convId, after);
      if (saw === sees) continue;
      if (saw) sendText(c, (gone ??= frame([tombstone(convId, commit.head)], commit.head)));
      else {
        const key = v.role === 'agent' ? v.agentId : '';
        let thread = threads.get(key);
        if (!thread) {
          records ??= store.conversationRecords(convId);
          threads.set(key, (thread = frame(visibleOfThread(v, records), commit.head)));
        }
        sendText(c, thread);
      }
    }
  }
}

function frame(changes: Extract<ServerFrame, { t: 'changes' }>['changes'], cursor: number): Buffer {
  return Buffer.from(JSON.stringify({ t: 'changes', changes, cursor, more: false } satisfies ServerFrame));
}
