import { type NatsConnection, Events } from 'nats';
import pg from 'pg';
import { scopeOfData } from '../commits';
import type { Commit } from '../store';
import type { ConversationScope } from '../visibility';

// Fan-out across relay processes on one database. A poke carries no data, only "the log advanced
// to N, for these teams / agents / everyone"; each process then reads the log itself (catch-up),
// so a lost poke costs latency, never a change: a reconnect and a slow safety poll read the log
// anyway. Two transports: NATS (a subject per team and agent) and PostgreSQL LISTEN/NOTIFY.

/** "The log advanced to `head`" for the audience of one commit (`all`: records every agent sees). */
export type LogPoke = { origin: string; head: number; all: boolean; teams: string[]; agents: string[] };

export type PokeTransport = {
  publish(p: LogPoke): Promise<void>;
  /**
   * Hears every process's pokes (this one's too); `onGap` when some may have been missed (after a
   * reconnect), so the caller reads the log. Resolves once listening; to the unsubscribe.
   */
  subscribe(onPoke: (p: LogPoke) => void, onGap: () => void): Promise<() => Promise<void>>;
};

/**
 * A poke as received: the payload another process published, or null when it is not a poke (not
 * JSON, or not of a poke's shape). Anyone who can publish on the subject or channel can send
 * one, so it is checked here and never trusted; a payload that is not a poke is read as a gap
 * (the receiver reads the log), since a poke only ever says "read the log".
 */
export function pokeFromText(text: string): LogPoke | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const p = v as Record<string, unknown>;
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (
    typeof p['origin'] !== 'string' ||
    typeof p['head'] !== 'number' ||
    !Number.isSafeInteger(p['head']) ||
    typeof p['all'] !== 'boolean' ||
    !strings(p['teams']) ||
    !strings(p['agents'])
  )
    return null;
  return { origin: p['origin'], head: p['head'], all: p['all'], teams: p['teams'], agents: p['agents'] };
}

/** Hands a received payload on as a poke, or as a gap when it is not one. */
function deliver(text: string, onPoke: (p: LogPoke) => void, onGap: () => void): void {
  const poke = pokeFromText(text);
  if (poke) onPoke(poke);
  else onGap();
}

/**
 * The poke for a commit: everyone for records of no conversation; else the team and assignee of
 * each conversation touched, before and after a scope move (who lost access hears of it too).
 * `scopeOf` answers for conversations the commit did not write itself.
 */
export async function pokeOf(
  commit: Commit,
  origin: string,
  scopeOf: (convId: string) => Promise<ConversationScope | null>,
): Promise<LogPoke> {
  const teams = new Set<string>();
  const agents = new Set<string>();
  const add = (s: ConversationScope | null) => {
    if (s?.teamId) teams.add(s.teamId);
    if (s?.assigneeId) agents.add(s.assigneeId);
  };
  let all = false;
  const known = new Map<string, ConversationScope>();
  for (const r of commit.records)
    if (r.change.entity === 'conversation') known.set(r.change.id, scopeOfData(r.change.data));
  const unknown = new Set<string>();
  for (const r of commit.records) {
    if (r.convId === null) all = true;
    else if (known.has(r.convId)) add(known.get(r.convId)!);
    else unknown.add(r.convId);
  }
  for (const convId of unknown) add(await scopeOf(convId));
  for (const { before } of commit.scopeMoves.values()) add(before);
  return { origin, head: commit.head, all, teams: [...teams].sort(), agents: [...agents].sort() };
}

/**
 * Publishes a poke for every commit `store` tells (its onCommit), after the commit. Publishing is
 * fire-and-forget: a failure goes to `onError` and the readers' safety poll covers it.
 * Returns the unsubscribe.
 */
export function publishCommits(
  store: { onCommit(l: (c: Commit) => void): () => void },
  transport: PokeTransport,
  o: {
    origin: string;
    scopeOf: (convId: string) => Promise<ConversationScope | null>;
    onError: (err: unknown) => void;
  },
): () => void {
  return store.onCommit((commit) => {
    void pokeOf(commit, o.origin, o.scopeOf)
      .then((p) => transport.publish(p))
      .catch(o.onError);
  });
}

export type CatchUp = {
  /** The log reached `head` somewhere (or, with no head, may have: a gap): read it if behind. */
  poke(head?: number): void;
  /** The position read up to. */
  cursor(): number;
  /** Resolves when no read is running or wanted. */
  idle(): Promise<void>;
  stop(): void;
};

/**
 * Reads the log after every poke, one read at a time: pokes that arrive during a read are folded
 * into one more read, and a poke at or below the cursor costs nothing. `read(cursor)` reads
 * everything after `cursor` (the caller fans it out) and resolves to the new cursor. A safety
 * poll reads anyway every `safetyPollMs` [default 1000], for pokes that never came; a failed read
 * goes to `onError` and is retried by the next poke or poll.
 */
export function createCatchUp(o: {
  cursor: number;
  read: (cursor: number) => Promise<number>;
  onError: (err: unknown) => void;
  safetyPollMs?: number;
}): CatchUp {
  let cursor = o.cursor;
  let wanted = -1; // a head to reach; Infinity: read whatever is there
  let running: Promise<void> | null = null;
  let stopped = false;

  const loop = async () => {
    while (!stopped && wanted > cursor) {
      wanted = -1;
      try {
        cursor = Math.max(cursor, await o.read(cursor));
      } catch (err) {
        o.onError(err);
        break;
      }
    }
    running = null;
  };
  const poke = (head?: number) => {
    if (stopped) return;
    wanted = Math.max(wanted, head ?? Infinity);
    if (wanted > cursor) running ??= loop();
  };
  const timer = setInterval(() => poke(), o.safetyPollMs ?? 1000);
  timer.unref();
  return {
    poke,
    cursor: () => cursor,
    async idle() {
      while (running) await running;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/** A NATS subject token for an id (NATS tokens cannot hold `.`, `*`, `>` or white space). */
function token(id: string): string {
  return encodeURIComponent(id).replace(/[.*>~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Pokes over NATS: one message per audience, on `<prefix>.all`, `<prefix>.team.<id>` and
 * `<prefix>.agent.<id>`, so a process may follow only the teams and agents it serves; this
 * subscriber follows `<prefix>.>` (every poke; duplicates of one commit fold in the catch-up).
 * A reconnect is reported as a gap. [prefix='sb.log']
 */
export function natsPokes(nc: NatsConnection, o: { prefix?: string } = {}): PokeTransport {
  const prefix = o.prefix ?? 'sb.log';
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  return {
    async publish(p) {
      const body = enc.encode(JSON.stringify(p));
      if (p.all) nc.publish(`${prefix}.all`, body);
      for (const t of p.teams) nc.publish(`${prefix}.team.${token(t)}`, body);
      for (const a of p.agents) nc.publish(`${prefix}.agent.${token(a)}`, body);
    },
    async subscribe(onPoke, onGap) {
      const sub = nc.subscribe(`${prefix}.>`, {
        callback: (err, m) => {
          if (err) return onGap();
          deliver(dec.decode(m.data), onPoke, onGap);
        },
      });
      let watching = true;
      void (async () => {
        for await (const s of nc.status()) {
          if (!watching) break;
          if (s.type === Events.Reconnect) onGap();
        }
      })();
      await nc.flush();
      return async () => {
        watching = false;
        sub.unsubscribe();
      };
    },
  };
}

// pg_notify's payload must stay under 8000 bytes; a poke too big for it becomes "everyone".
const MAX_NOTIFY_PAYLOAD = 7_900;

/**
 * Pokes over PostgreSQL LISTEN/NOTIFY on `channel`: published with pg_notify on the pool, heard on
 * one dedicated connection that reconnects (then reports a gap) when it drops.
 * [channel='sb_log', reconnectMs=500]
 */
export function pgPokes(
  pool: pg.Pool,
  o: { connectionString: string; channel?: string; reconnectMs?: number; onError?: (err: unknown) => void },
): PokeTransport {
  const channel = o.channel ?? 'sb_log';
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Not a LISTEN channel name: ${channel}`);
  return {
    async publish(p) {
      let payload = JSON.stringify(p);
      if (payload.length > MAX_NOTIFY_PAYLOAD)
        payload = JSON.stringify({ origin: p.origin, head: p.head, all: true, teams: [], agents: [] });
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async subscribe(onPoke, onGap) {
      let client: pg.Client | null = null;
      let stopped = false;
      const listen = async () => {
        const c = new pg.Client({ connectionString: o.connectionString });
        c.on('notification', (n) => {
          if (n.channel === channel && n.payload !== undefined) deliver(n.payload, onPoke, onGap);
        });
        c.on('error', (err) => o.onError?.(err));
        try {
          await c.connect();
          await c.query(`LISTEN ${channel}`);
        } catch (err) {
          await c.end().catch(() => undefined);
          throw err;
        }
        // Only a connection that listened reconnects when it ends; a failed attempt is retried by again().
        c.once('end', () => {
          if (stopped) return;
          client = null;
          setTimeout(() => void again(), o.reconnectMs ?? 500).unref();
        });
        client = c;
      };
      const again = async () => {
        if (stopped) return;
        try {
          await listen();
          onGap();
        } catch (err) {
          o.onError?.(err);
          setTimeout(() => void again(), o.reconnectMs ?? 500).unref();
        }
      };
      await listen();
      return async () => {
        stopped = true;
        await client?.end();
      };
    },
  };
}
