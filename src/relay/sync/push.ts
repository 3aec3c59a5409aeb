import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/sync/canonicalJson';
import { decodeHlc, isHlc, type HlcClock } from '../../shared/sync/hlc';
import { UUID_RE } from '../../shared/sync/ids';
import { isMutationName, mutationArgs } from '../../shared/sync/mutations';
import { RELAY_ERR, type PushedMutation, type PushOutcome } from '../../shared/sync/protocol';
import { SyncRefusal } from '../../shared/sync/refusal';
import type { Accounts } from '../identity/accounts';
import type { Principal } from '../identity/auth';
import type { Database } from '../data/db';
import { describeIssues, RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import { applyMutation } from './mutate';
import type { Store } from '../data/store';
import type { Viewer } from '../data/visibility';

export type PushResult = { results: PushOutcome[]; from: number; to: number };

export type Pusher = ReturnType<typeof createPusher>;

/**
 * Applies a batch of mutations in one transaction, each in its own savepoint keyed by its id:
 * an id seen before with the same content answers `duplicate` with the first position; with other
 * content, RELAY_ERR_MUTATION_ID_REUSED. A rejected mutation leaves nothing behind.
 */
export function createPusher(
  db: Database,
  store: Store,
  accounts: Accounts,
  relayClock: HlcClock,
  o: { maxClockSkewMs: number; now: () => number; log: Logger },
) {
  const q = {
    applied: db.prepare<[string], { agent_id: string; hash: string; seq: number }>(
      'SELECT agent_id, hash, seq FROM applied_mutations WHERE id = ?',
    ),
    record: db.prepare(
      'INSERT INTO applied_mutations (id, agent_id, device_id, name, hash, seq, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
  };

  function one(p: Principal, viewer: Viewer, m: PushedMutation): PushOutcome {
    const hash = createHash('sha256')
      .update(canonicalJson({ name: m.name, args: m.args, clock: m.clock }))
      .digest('base64url');
    const prior = q.applied.get(m.id);
    if (prior) {
      if (prior.hash === hash && prior.agent_id === p.agentId)
        return { id: m.id, status: 'duplicate', seq: prior.seq };
      throw new RelayError(
        RELAY_ERR.MUTATION_ID_REUSED,
        `Mutation id ${m.id} was already used for different content.`,
      );
    }
    if (!UUID_RE.test(m.id)) throw new RelayError(RELAY_ERR.VALIDATION, 'id: a mutation id must be a UUID.');
    if (!isMutationName(m.name))
      throw new RelayError(RELAY_ERR.UNKNOWN_MUTATION, `Unknown mutation "${m.name.slice(0, 64)}".`);
    if (!isHlc(m.clock)) throw new RelayError(RELAY_ERR.VALIDATION, 'clock: not a hybrid logical clock.');
    if (decodeHlc(m.clock).wall > o.now() + o.maxClockSkewMs) {
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        'clock: more than 10 minutes ahead of the relay; check the device clock.',
      );
    }
    const parsed = mutationArgs[m.name].safeParse(m.args);
    if (!parsed.success) throw new RelayError(RELAY_ERR.VALIDATION, describeIssues(parsed.error.issues));
    relayClock.receive(m.clock);
    const ctx = {
      store,
      accounts,
      relayClock,
      viewer,
      mutationId: m.id,
      clock: m.clock,
      at: new Date(o.now()).toISOString(),
    };
    applyMutation(ctx, m.name, parsed.data);
    const seq = store.head();
    q.record.run(m.id, p.agentId, p.deviceId, m.name, hash, seq, o.now());
    return { id: m.id, status: 'applied', seq };
  }

  const savepoint = (p: Principal, viewer: Viewer, m: PushedMutation) =>
    store.transaction(() => one(p, viewer, m));

  const api = {
    /**
     * Applies several connections' pushes in one transaction (group commit: one synchronous
     * commit for all instead of one each, see groupCommit.ts); each push is still a savepoint of its own.
     */
    pushMany(items: { p: Principal; viewer: Viewer; mutations: PushedMutation[] }[]): PushResult[] {
      return store.transaction(() => items.map((i) => api.push(i.p, i.viewer, i.mutations)), 'immediate');
    },

    /** Applies `mutations` in order; returns one outcome each and the log range they wrote. */
    push(p: Principal, viewer: Viewer, mutations: PushedMutation[]): PushResult {
      const from = store.head();
      const results = store.transaction(
        () =>
          mutations.map((m): PushOutcome => {
            try {
              return savepoint(p, viewer, m);
            } catch (err) {
              if (err instanceof RelayError || err instanceof SyncRefusal)
                return { id: m.id, status: 'rejected', code: err.code, message: err.message };
              o.log.error({ err, mutation: m.id, name: m.name }, 'mutation failed');
              return {
                id: m.id,
                status: 'rejected',
                code: RELAY_ERR.INTERNAL,
                message: 'The relay failed to apply this change; it was not stored.',
              };
            }
          }),
        'immediate',
      );
      return { results, from, to: store.head() };
    },
  };
  return api;
}
