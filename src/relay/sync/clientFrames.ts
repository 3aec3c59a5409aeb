import { RELAY_CLOSE, RELAY_ERR, SYNC_PROTOCOL_VERSION, type ClientFrame } from '../../shared/sync/protocol';
import type { Auth, Principal } from '../identity/auth';
import { RelayError } from '../core/errors';
import { loadViewer } from '../data/visibility';
import { publicAgentOf } from '../identity/accountWrites';
import { needsResync, startCatchUp } from './catchUp';
import { fail, send, shut, type Conn } from './connection';
import { readFrame } from './frames';
import { agentJoined, type HubContext } from './hubContext';

// What the hub does with each frame a client sends: the hello that opens the session, then pull,
// push, reauth, presence, watch, offer replies, typing, read and movedSeen.

/** Handles one text frame, or keeps it for after the group commit of an earlier push. */
export function receive(ctx: HubContext, c: Conn, text: string): void {
  if (c.deferred) return void c.deferred.push(text);
  try {
    const f = readFrame(c, text, ctx.o);
    if (f) dispatch(ctx, c, f);
  } catch (err) {
    ctx.log.error({ err }, 'sync frame failed');
    fail(c, RELAY_ERR.INTERNAL, 'The relay failed to handle this frame.');
  }
}

function dispatch(ctx: HubContext, c: Conn, f: ClientFrame): void {
  if (!c.principal || !c.viewer) {
    if (f.t !== 'hello')
      return shut(c, RELAY_ERR.UNAUTHORIZED, 'The first frame must be a hello.', RELAY_CLOSE.UNAUTHORIZED);
    return onHello(ctx, c, f);
  }
  const agentId = c.principal.agentId;
  switch (f.t) {
    case 'hello':
      return fail(c, RELAY_ERR.PROTOCOL, 'hello was already received on this connection.');
    case 'pull':
      c.cursor = f.cursor;
      c.gen += 1;
      c.live = false;
      return startCatchUp(ctx.catchUpDeps, c);
    case 'push':
      return onPush(ctx, c, c.principal, c.viewer, f);
    case 'reauth':
      return onReauth(ctx, c, c.principal, f.accessToken);
    case 'presence':
      ctx.routing?.setPresence(agentId, f.state);
      return ctx.supervision?.presence(agentId, f.state, f.reason ?? null);
    case 'watch':
      return onWatch(ctx, c, agentId, f.on);
    case 'offerReply': {
      const assigned = ctx.routing?.reply(agentId, f.offerId, f.accept) ?? false;
      if (f.accept) send(c, { t: 'offerResult', offerId: f.offerId, assigned });
      return;
    }
    case 'typing':
      for (const l of ctx.listeners.typing) l(agentId, f.conversationId, f.on);
      return;
    case 'read':
      for (const l of ctx.listeners.read) l(agentId, f.conversationId);
      return;
    case 'movedSeen':
      return ctx.routing?.movedSeen(agentId, f.upTo);
    default: {
      const never: never = f;
      return fail(c, RELAY_ERR.BAD_FRAME, `Unhandled frame ${String(never)}.`);
    }
  }
}

function onHello(ctx: HubContext, c: Conn, f: Extract<ClientFrame, { t: 'hello' }>): void {
  if (f.protocol !== SYNC_PROTOCOL_VERSION) {
    return shut(
      c,
      RELAY_ERR.PROTOCOL,
      `This relay speaks sync protocol ${SYNC_PROTOCOL_VERSION}, not ${f.protocol}.`,
      RELAY_CLOSE.PROTOCOL,
    );
  }
  authenticateThen(ctx, c, f.accessToken, (p) => welcome(ctx, c, f, p));
}

/** The session opens: the viewer and the welcome are read first (the connection's frames wait meanwhile). */
async function welcome(
  ctx: HubContext,
  c: Conn,
  f: Extract<ClientFrame, { t: 'hello' }>,
  p: Principal,
): Promise<void> {
  const { store, identity, log } = ctx;
  void ctx.auth.touch(p.deviceId);
  const row = await identity.agentById(p.agentId);
  if (!row) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${p.agentId}.`);
  const [viewer, agent, head, resync] = await Promise.all([
    loadViewer(p, identity),
    publicAgentOf(identity, store, row),
    store.head(),
    needsResync(store, f.cursor),
  ]);
  if (c.ws.readyState !== c.ws.OPEN) return;
  c.principal = p;
  c.viewer = viewer;
  c.cursor = f.cursor;
  send(c, { t: 'welcome', agent, deviceId: p.deviceId, head, resync });
  log.info({ agent: p.agentId, device: p.deviceId, cursor: f.cursor, head, resync }, 'sync hello');
  startCatchUp(ctx.catchUpDeps, c);
  agentJoined(ctx, p.agentId);
}

function onReauth(ctx: HubContext, c: Conn, was: Principal, accessToken: string): void {
  authenticateThen(ctx, c, accessToken, (p) => reauthed(ctx, c, was, p));
}

async function reauthed(ctx: HubContext, c: Conn, was: Principal, p: Principal): Promise<void> {
  if (p.agentId !== was.agentId || p.deviceId !== was.deviceId)
    return shut(
      c,
      RELAY_ERR.UNAUTHORIZED,
      'reauth must name the same agent and device.',
      RELAY_CLOSE.UNAUTHORIZED,
    );
  const viewer = await loadViewer(p, ctx.identity);
  c.principal = p;
  c.viewer = viewer;
}

function onPush(
  ctx: HubContext,
  c: Conn,
  p: Principal,
  v: NonNullable<Conn['viewer']>,
  f: Extract<ClientFrame, { t: 'push' }>,
) {
  const max = ctx.o.maxMutationsPerBatch;
  if (f.mutations.length > max) {
    return fail(c, RELAY_ERR.BATCH_TOO_LARGE, `A push may carry at most ${max} mutations; split the batch.`, {
      batch: f.batch,
    });
  }
  ctx.pushes.enqueue(c, p, v, f);
}

function onWatch(ctx: HubContext, c: Conn, agentId: string, on: boolean): void {
  c.watcher ??= {
    agentId,
    send: (text) => {
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
    },
  };
  if (ctx.supervision?.watch(c.watcher, on) || !on) return;
  fail(c, RELAY_ERR.FORBIDDEN, 'Only supervisors (for their teams) and admins may watch the live view.');
}

/**
 * Checks an access token (asynchronously: the identity repository may be a network database) and
 * runs `then` with its principal. The connection's later frames wait in `c.deferred` meanwhile and
 * are handled after, in order, so nothing a client sends right after its hello overtakes it.
 */
function authenticateThen(
  ctx: HubContext,
  c: Conn,
  accessToken: string,
  then: (p: Principal) => Promise<void>,
): void {
  c.deferred = [];
  void authenticateOrShut(ctx.auth, c, accessToken)
    .then(async (p) => {
      // A socket that closed while its token was checked joins nothing.
      if (p && c.ws.readyState === c.ws.OPEN) await then(p);
    })
    .catch((err: unknown) => {
      ctx.log.error({ err }, 'sync authentication failed');
      fail(c, RELAY_ERR.INTERNAL, 'The relay failed to check this access token; connect again.');
    })
    .finally(() => {
      const later = c.deferred;
      c.deferred = null;
      for (const text of later ?? []) receive(ctx, c, text);
    });
}

/** The principal of an access token, or null after telling the client why and closing (4401/4410/4411). */
async function authenticateOrShut(auth: Auth, c: Conn, accessToken: string): Promise<Principal | null> {
  try {
    return await auth.authenticate(accessToken);
  } catch (err) {
    if (!(err instanceof RelayError)) throw err;
    const close =
      err.code === RELAY_ERR.DEVICE_REVOKED
        ? RELAY_CLOSE.DEVICE_REVOKED
        : err.code === RELAY_ERR.ACCOUNT_DISABLED
          ? RELAY_CLOSE.ACCOUNT_DISABLED
          : RELAY_CLOSE.UNAUTHORIZED;
    shut(c, err.code, err.message, close);
    return null;
  }
}
