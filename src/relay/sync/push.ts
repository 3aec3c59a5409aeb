import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/sync/canonicalJson';
import { decodeHlc, isHlc, type HlcClock } from '../../shared/sync/hlc';
import { UUID_RE } from '../../shared/sync/ids';
import { isMutationName, mutationArgs } from '../../shared/sync/mutations';
import { RELAY_ERR, type PushedMutation, type PushOutcome } from '../../shared/sync/protocol';
import { SyncRefusal } from '../../shared/sync/refusal';
import { AUDIT, type Audit } from '../identity/audit';
import type { Principal } from '../identity/auth';
import { describeIssues, RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AppliedMutation, AsyncTx } from '../data/asyncStore';
import type { IdentityData, IdentityTx } from '../data/identityData';
import type { Viewer } from '../data/visibility';
import { applyMutation, type MutationDirectory } from './mutate';

export type PushResult = { results: PushOutcome[]; from: number; to: number };

export type Pusher = ReturnType<typeof createPusher>;

export type PusherDeps = {
  /** The relay's identity repository: a push runs in its (the store's) transaction, for the directory reads. */
  identity: IdentityData;
  relayClock: HlcClock;
  maxClockSkewMs: number;
  now: () => number;
  log: Logger;
  /**
   * Where refusals that are security-relevant go (a FORBIDDEN one: acting outside one's scope; or
   * one marked `securityRelevant`), as `sync.refused` lines in the group's transaction.
   */
  audit?: Pick<Audit, 'record'>;
};

/** One group commit's transaction: what it knows of the applied mutations and the head. */
type Group = {
  /** The identity transaction (for audit lines); `tx` is its records' side. */
  itx: IdentityTx;
  tx: AsyncTx;
  directory: MutationDirectory;
  /** Applied before this transaction, among the group's ids (one lookup for the group). */
  prior: Map<string, AppliedMutation>;
  /** Applied by this transaction so far; kept in one write before it commits. */
  kept: Map<string, AppliedMutation>;
  /** The log head as this transaction left it so far (its own writes are the only ones). */
  head: number;
};

type Push = { p: Principal; viewer: Viewer; mutations: PushedMutation[] };

/**
 * Applies pushes of mutations in one transaction, each mutation in its own savepoint keyed by its
 * id: an id seen before with the same content answers `duplicate` with the first position; with
 * other content, RELAY_ERR_MUTATION_ID_REUSED. A rejected mutation leaves nothing behind.
 */
export function createPusher(d: PusherDeps) {
  const api = {
    /**
     * Applies several connections' pushes in one transaction (group commit: one synchronous
     * commit for all instead of one each, see groupCommit.ts); each mutation is still a savepoint
     * of its own. The applied-mutation ids are looked up once for the group and kept in one write.
     */
    pushMany(items: readonly Push[]): Promise<PushResult[]> {
      return d.identity.transaction(async (itx) => {
        const tx = itx.records;
        const ids = items.flatMap((i) => i.mutations.map((m) => m.id));
        const [prior, head] = await Promise.all([tx.appliedMutations(ids), tx.head()]);
        const g: Group = { itx, tx, directory: itx, prior, kept: new Map(), head };
        const results: PushResult[] = [];
        for (const i of items) results.push(await pushIn(d, g, i));
        await tx.keepAppliedMutations([...g.kept.values()]);
        return results;
      });
    },

    /** Applies `mutations` in order; resolves to one outcome each and the log range they wrote. */
    async push(p: Principal, viewer: Viewer, mutations: PushedMutation[]): Promise<PushResult> {
      return (await api.pushMany([{ p, viewer, mutations }]))[0]!;
    },
  };
  return api;
}

async function pushIn(d: PusherDeps, g: Group, push: Push): Promise<PushResult> {
  const from = g.head;
  const results: PushOutcome[] = [];
  for (const m of push.mutations) {
    const head = g.head;
    try {
      const done = await g.tx.savepoint(() => one(d, g, push, m));
      if (done.kept) g.kept.set(m.id, done.kept);
      results.push(done.outcome);
    } catch (err) {
      g.head = head; // what the savepoint wrote was rolled back
      results.push(rejection(d, err, m));
      if (d.audit && isSecurityRelevant(err)) await auditRefusal(d.audit, g, push.p, m, err);
    }
  }
  return { results, from, to: g.head };
}

/** A refusal worth an audit line: acting outside one's scope, or one its thrower marked so. */
function isSecurityRelevant(err: unknown): err is RelayError {
  return err instanceof RelayError && (err.code === RELAY_ERR.FORBIDDEN || err.securityRelevant);
}

/** One `sync.refused` line: who pushed what, and why it was refused (the mutation's arguments are not kept). */
async function auditRefusal(
  audit: Pick<Audit, 'record'>,
  g: Group,
  p: Principal,
  m: PushedMutation,
  err: RelayError,
): Promise<void> {
  await audit.record(
    {
      actorId: p.agentId,
      action: AUDIT.SYNC_REFUSED,
      target: m.name.slice(0, 64),
      detail: { mutationId: m.id, deviceId: p.deviceId, code: err.code, reason: err.message },
    },
    g.itx,
  );
}

function rejection(d: PusherDeps, err: unknown, m: PushedMutation): PushOutcome {
  if (err instanceof RelayError || err instanceof SyncRefusal)
    return { id: m.id, status: 'rejected', code: err.code, message: err.message };
  d.log.error({ err, mutation: m.id, name: m.name }, 'mutation failed');
  return {
    id: m.id,
    status: 'rejected',
    code: RELAY_ERR.INTERNAL,
    message: 'The relay failed to apply this change; it was not stored.',
  };
}

async function one(
  d: PusherDeps,
  g: Group,
  { p, viewer }: Push,
  m: PushedMutation,
): Promise<{ outcome: PushOutcome; kept?: AppliedMutation }> {
  const hash = createHash('sha256')
    .update(canonicalJson({ name: m.name, args: m.args, clock: m.clock }))
    .digest('base64url');
  const prior = g.kept.get(m.id) ?? g.prior.get(m.id);
  if (prior) {
    if (prior.hash === hash && prior.agentId === p.agentId)
      return { outcome: { id: m.id, status: 'duplicate', seq: prior.seq } };
    throw new RelayError(
      RELAY_ERR.MUTATION_ID_REUSED,
      `Mutation id ${m.id} was already used for different content.`,
    );
  }
  if (!UUID_RE.test(m.id)) throw new RelayError(RELAY_ERR.VALIDATION, 'id: a mutation id must be a UUID.');
  if (!isMutationName(m.name))
    throw new RelayError(RELAY_ERR.UNKNOWN_MUTATION, `Unknown mutation "${m.name.slice(0, 64)}".`);
  if (!isHlc(m.clock)) throw new RelayError(RELAY_ERR.VALIDATION, 'clock: not a hybrid logical clock.');
  if (decodeHlc(m.clock).wall > d.now() + d.maxClockSkewMs) {
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      'clock: more than 10 minutes ahead of the relay; check the device clock.',
    );
  }
  const parsed = mutationArgs[m.name].safeParse(m.args);
  if (!parsed.success) throw new RelayError(RELAY_ERR.VALIDATION, describeIssues(parsed.error.issues));
  d.relayClock.receive(m.clock);
  const ctx = {
    tx: g.tx,
    directory: g.directory,
    relayClock: d.relayClock,
    viewer,
    mutationId: m.id,
    clock: m.clock,
    at: new Date(d.now()).toISOString(),
  };
  g.head = Math.max(g.head, await applyMutation(ctx, m.name, parsed.data));
  const seq = g.head;
  const kept = {
    id: m.id,
    agentId: p.agentId,
    deviceId: p.deviceId,
    name: m.name,
    hash,
    seq,
    appliedAt: d.now(),
  };
  return { outcome: { id: m.id, status: 'applied', seq }, kept };
}
