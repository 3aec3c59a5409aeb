import type { WebchatOptions } from './channels/webchat/options';
import type { RecordingsOptions } from './voice/recordings';
import type { EmailOptions } from './channels/email/email';
import type { WebhookOptions } from './channels/api/webhook';
import type { Logger } from './core/logger';
import type { VoiceOptions } from './voice';
import type { MonitoringOptions } from './voice/monitoringGrants';
import type { ReportsOptions } from './http/reportsHttp';
import type { SlaTimerOptions } from './sla/timers';
import type { SupervisorOptions } from './supervisor';
import type { Rate } from './core/rateLimit';
import { resolveLoginThrottle, type LoginThrottleOptions } from './identity/loginThrottle';
import { isAbsolute, join, resolve } from 'node:path';
import { isLoopbackHost } from '../shared/relayUrl';
import { DEFAULT_MAX_JSON_DEPTH } from './http/jsonLimits';

/**
 * Where the relay keeps its records and log: a SQLite file (the embedded default, one process) or
 * a PostgreSQL database that several relay processes share.
 */
export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * Reads `--store`: `sqlite:PATH` (a database file; a relative PATH is taken from the working
 * directory) or `postgres://…` / `postgresql://…` (a node-postgres connection string). Without a
 * value: SQLite in `<dataDir>/relay.db`. Anything else throws RelayOptionsError saying what fits.
 */
export function parseStoreOption(value: string | undefined, dataDir: string): StoreLocation {
  if (value === undefined || value === '') return { kind: 'sqlite', file: join(dataDir, 'relay.db') };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path || path.endsWith('/'))
      throw new RelayOptionsError(
        `--store ${value}: give the database file after "sqlite:", such as sqlite:/var/lib/switchboard/relay.db.`,
      );
    return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
  }
  if (/^postgres(ql)?:/i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new RelayOptionsError(
        `--store: "${redactPassword(value)}" is not a connection string; use postgres://user:password@host:5432/database.`,
      );
    }
    if (!url.hostname && !url.searchParams.get('host'))
      throw new RelayOptionsError(
        `--store ${redactPassword(value)}: the connection string names no host; use postgres://user:password@host:5432/database.`,
      );
    if (url.pathname.replace(/^\//, '') === '')
      throw new RelayOptionsError(
        `--store ${redactPassword(value)}: the connection string names no database; add it after the host, as in postgres://host:5432/switchboard.`,
      );
    return { kind: 'postgres', url: value };
  }
  throw new RelayOptionsError(
    `--store must be sqlite:PATH or postgres://user:password@host:port/database, not "${redactPassword(value)}".`,
  );
}

/** A connection string fit for a log line or an error: its password replaced by `***`. */
export function redactPassword(connectionString: string): string {
  return connectionString.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** Options of `startRelay`. Every limit is explicit and has a default, as `ws` does. */
export type RelayOptions = {
  /** Directory of the database, signing secret and logs. Created if missing. */
  dataDir: string;
  /** Where records and the log live (parseStoreOption reads `--store`). Default SQLite in `<dataDir>/relay.db`. */
  store?: StoreLocation;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** PEM certificate and key (file contents) to serve HTTPS/WSS instead of HTTP/WS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Allow plain HTTP/WS on a non-loopback `host` (passwords and customer data in clear text, e.g.
   * behind a TLS-terminating proxy on a private network). Default false: such a start is refused.
   */
  insecureHttp?: boolean;
  /**
   * Bearer token that may read `/metrics` (besides admins' access tokens), for a Prometheus
   * scraper. Default none: only admins may read metrics.
   */
  metricsToken?: string;
  /** Largest WebSocket frame accepted, in bytes; larger frames close with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Largest HTTP request body, in bytes; larger ones get 413. Default 64 KiB. */
  maxBodyBytes?: number;
  /**
   * Deepest nesting of arrays and objects in any JSON a client sends (HTTP bodies, sync and web
   * chat frames), checked before the JSON is parsed; deeper input gets RELAY_ERR_TOO_DEEP (400).
   * Default 64.
   */
  maxJsonDepth?: number;
  /** Mutations accepted in one `push`; larger batches are refused whole. Default 500. */
  maxMutationsPerBatch?: number;
  /** Frames per second per connection (token bucket) with a burst. Default 50/s, burst 200. */
  rateLimit?: { perSecond: number; burst: number };
  /** Ping interval; a socket that misses a pong is terminated. Default 30 s. */
  heartbeatMs?: number;
  /** Time a new socket has to send `hello`; else close 4408. Default 10 s. */
  authTimeoutMs?: number;
  /** Lifetime of access tokens. Default 15 min. */
  accessTokenTtlMs?: number;
  /** Lifetime of refresh tokens (each use rotates it). Default 30 days. */
  refreshTokenTtlMs?: number;
  /** Log entries kept before compaction; older cursors get a full resync. Default 1,000,000. */
  logRetention?: number;
  /** Changes per `changes` or `snapshot` frame. Default 500. */
  pageSize?: number;
  /** Clocks further than this ahead of the relay's wall time are rejected. Default 10 min. */
  maxClockSkewMs?: number;
  /**
   * Password guessing: failed sign-ins allowed per (source address, account) and per source
   * address within the window before further attempts from there get 429 until it passes.
   * Default 10 per account and source, 50 per source, per 15 min; at most 10,000 entries kept.
   */
  loginThrottle?: Partial<LoginThrottleOptions>;
  /**
   * Plain HTTP requests (and WebSocket upgrades) per source address, a token bucket each; over it,
   * 429 RELAY_ERR_RATE_LIMITED with Retry-After. Default 200/s, burst 2,000.
   */
  httpRateLimit?: Rate;
  /** Sign-ins and token refreshes (`/v1/auth/*`) per source address, on top of httpRateLimit. Default 10/s, burst 200. */
  authRateLimit?: Rate;
  /** Web chat widget: per-inbox origin allow-list and identity secret, limits. Default: allow all origins. */
  webchat?: WebchatOptions;
  /** Call recordings: the largest upload (default 64 MiB). */
  recordings?: RecordingsOptions;
  /** Calls through Kamailio: where its evapi socket is. Default: calls are not queued. */
  voice?: VoiceOptions;
  /** Listen / whisper / barge: how long a monitoring grant is good for (default 30 s). */
  monitoring?: MonitoringOptions;
  /** Email channel: mailbox polling, reconnects, outbox retries and the own-copy window (see EmailOptions). */
  email?: EmailOptions;
  /** API channel webhook: retries (30 s doubling to 1 h, 10 attempts) and timeouts (10 s); see WebhookOptions. */
  webhook?: WebhookOptions;
  /** Reports: longest ranges (92 days by day, 31 by hour) and the service-level and first-response targets. */
  reports?: ReportsOptions;
  /**
   * Conversation clocks: how often the relay wakes snoozes and marks SLA breaches (default each
   * 1 s, 500 per kind and tick), and how long a resolved conversation reopens when its customer
   * writes in it again (default 30 days; later, a new one starts).
   */
  sla?: SlaTimerOptions & { reopenResolvedWithinMs?: number };
  /** The supervisor's live board: service level target, SLA at-risk window, day start, redraw tick. */
  supervisor?: SupervisorOptions;
  /** Logger; by default JSON lines in `<dataDir>/logs/relay.log`. */
  log?: Logger;
  /** Wall clock, replaceable in tests. Default Date.now. */
  now?: () => number;
};

export type ResolvedOptions = Required<
  Omit<
    RelayOptions,
    | 'tls'
    | 'log'
    | 'webchat'
    | 'recordings'
    | 'email'
    | 'webhook'
    | 'loginThrottle'
    | 'metricsToken'
    | 'voice'
    | 'monitoring'
    | 'reports'
    | 'sla'
    | 'supervisor'
  >
> &
  Pick<RelayOptions, 'tls' | 'metricsToken'> & { loginThrottle: LoginThrottleOptions };

/** A start the options refuse (a clear-text listener off loopback, a bad limit): the operator must fix them. */
export class RelayOptionsError extends Error {
  override readonly name = 'RelayOptionsError';
}

/** Fills every option with its documented default and checks the numbers make sense. */
export function resolveOptions(o: RelayOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    dataDir: o.dataDir,
    store: o.store ?? parseStoreOption(undefined, o.dataDir),
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    insecureHttp: o.insecureHttp ?? false,
    maxPayload: o.maxPayload ?? 1024 * 1024,
    maxBodyBytes: o.maxBodyBytes ?? 64 * 1024,
    maxJsonDepth: o.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    maxMutationsPerBatch: o.maxMutationsPerBatch ?? 500,
    rateLimit: o.rateLimit ?? { perSecond: 50, burst: 200 },
    heartbeatMs: o.heartbeatMs ?? 30_000,
    authTimeoutMs: o.authTimeoutMs ?? 10_000,
    accessTokenTtlMs: o.accessTokenTtlMs ?? 15 * 60_000,
    refreshTokenTtlMs: o.refreshTokenTtlMs ?? 30 * 24 * 3600_000,
    logRetention: o.logRetention ?? 1_000_000,
    pageSize: o.pageSize ?? 500,
    maxClockSkewMs: o.maxClockSkewMs ?? 10 * 60_000,
    loginThrottle: resolveLoginThrottle(o.loginThrottle),
    httpRateLimit: o.httpRateLimit ?? { perSecond: 200, burst: 2_000 },
    authRateLimit: o.authRateLimit ?? { perSecond: 10, burst: 200 },
    now: o.now ?? Date.now,
  };
  if (o.tls) r.tls = o.tls;
  if (!o.tls && !isLoopbackHost(r.host) && !r.insecureHttp)
    throw new RelayOptionsError(
      `Refusing to serve plain HTTP on ${r.host}: passwords and customer data would cross the network unencrypted. ` +
        'Give --tls-cert and --tls-key, listen on 127.0.0.1 behind a TLS proxy, or pass --insecure-http if you accept the risk.',
    );
  if (o.metricsToken !== undefined) {
    // A short token is guessable; a scraper config can hold a long one as easily.
    if (o.metricsToken.length < 16)
      throw new RelayOptionsError('The metrics token must be at least 16 characters long.');
    r.metricsToken = o.metricsToken;
  }
  for (const k of [
    'maxPayload',
    'maxBodyBytes',
    'maxJsonDepth',
    'maxMutationsPerBatch',
    'heartbeatMs',
    'authTimeoutMs',
    'accessTokenTtlMs',
    'logRetention',
    'pageSize',
  ] as const) {
    if (!Number.isFinite(r[k]) || r[k] <= 0)
      throw new Error(`Relay option ${k} must be a positive number, not ${String(r[k])}.`);
  }
  for (const k of ['rateLimit', 'httpRateLimit', 'authRateLimit'] as const)
    if (!(r[k].perSecond > 0 && r[k].burst >= 1))
      throw new Error(`Relay option ${k} needs perSecond > 0 and burst >= 1.`);
  return r;
}
