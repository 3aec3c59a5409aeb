import { mkdirSync } from 'node:fs';
import { HlcClock } from '../../shared/sync/hlc';
import { createAccounts } from '../identity/accounts';
import { createAudit } from '../identity/audit';
import { createAuth } from '../identity/auth';
import { createDirectory } from '../identity/directory';
import { openDatabase } from '../data/db';
import { createRelayLogger } from '../core/logger';
import { createMetrics } from '../core/metrics';
import { RelayOptionsError, resolveOptions, type RelayOptions } from '../options';
import { createPusher } from '../sync/push';
import { createStore } from '../data/sqliteStore';
import { asyncSqliteStore } from '../data/sqliteAsync';
import { createSqliteIdentity } from '../data/sqliteIdentity';
import { createSyncHub } from '../sync/hub';
import { loadSigningSecret } from '../identity/tokens';
import type { TeamScopedDeps } from '../http/teamScopedRoute';

/** Step 1: options, log, database, store, identity (accounts, audit, auth) and the sync hub. */
export function openCore(opts: RelayOptions) {
  const o = resolveOptions(opts);
  // Owner-only: the directory holds customer data and the token signing secret.
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const log = opts.log ?? createRelayLogger(o.dataDir);
  if (o.store.kind === 'postgres') throw postgresNotYetServed();
  const db = openDatabase(o.dataDir, o.store.file);
  const secret = loadSigningSecret(o.dataDir);
  const relayClock = new HlcClock('relay', o.now);
  const store = createStore(db, o.now, {
    onListenerError: (err) => log.error({ err }, 'commit listener failed'),
  });
  // Identity on the store's database, in the store's transactions (data/identityData.ts).
  const asyncStore = asyncSqliteStore(store);
  const identity = createSqliteIdentity(db, asyncStore);
  const accounts = createAccounts(db, store, relayClock, o.now, { identity, records: asyncStore });
  const directory = createDirectory({ identity, records: asyncStore, clock: relayClock, now: o.now });
  const metrics = createMetrics();
  const audit = createAudit({ identity, now: o.now, log });
  const pusher = createPusher({
    identity,
    relayClock,
    maxClockSkewMs: o.maxClockSkewMs,
    now: o.now,
    log,
    audit,
  });
  // The hub needs auth (hello) and auth needs the hub (revocation closes sockets): late-bound.
  const revoked = (deviceId: string) => hub.disconnectDevice(deviceId);
  const auth = createAuth(identity, asyncStore, secret, o, revoked, audit);
  const hub = createSyncHub({ store: asyncStore, auth, identity, pusher, metrics, log, o });
  // What the admin and supervisor routes that act on one team's things need.
  const scoped: TeamScopedDeps = {
    store,
    asyncStore,
    auth,
    accounts,
    directory,
    audit,
    relayClock,
    log,
    now: o.now,
  };
  return {
    opts,
    o,
    log,
    db,
    secret,
    relayClock,
    store,
    asyncStore,
    identity,
    accounts,
    directory,
    metrics,
    audit,
    auth,
    hub,
    scoped,
  };
}

/** What every room is built from: the options, the store and identity, the sync hub. */
export type Core = ReturnType<typeof openCore>;

/**
 * `--store postgres://` for `serve`: the PostgreSQL store, its migrations and the cross-process
 * pokes exist (data/postgres/), and sync, identity, routing and the SLA timers run on the asynchronous
 * contracts, but the channels, voice, the supervisor board and reports still call
 * the synchronous SQLite Store. Refused whole rather than served half.
 */
function postgresNotYetServed(): RelayOptionsError {
  return new RelayOptionsError(
    'Serving on PostgreSQL (--store postgres://) is not available yet: sync, sign-in, routing and the SLA timers run on it, ' +
      'but the channels, voice, the supervisor board and reports still run on the SQLite store only. ' +
      'Run "relay migrate --store postgres://…" to prepare the database, and serve with --store sqlite:PATH ' +
      '(the default) for now.',
  );
}
