import type { WebSocket } from 'ws';
import { RELAY_CLOSE, RELAY_ERR, type RelayErrorCode, type ServerFrame } from '../../shared/sync/protocol';
import type { Commit } from '../data/store';
import { viewerWith } from '../data/visibility';
import { startCatchUp } from './catchUp';
import { receive } from './clientFrames';
import { fail, newConn, send, shut } from './connection';
import type { FanOutStep } from './fanout';
import {
  connClosed,
  createHubContext,
  type HubContext,
  type HubDeps,
  type RoutingHooks,
  type SupervisionHooks,
} from './hubContext';

export type { RoutingHooks, SupervisionHooks } from './hubContext';

export type SyncHub = ReturnType<typeof createSyncHub>;

/**
 * The `/v1/sync` WebSocket protocol: hello, catch-up or snapshot (catchUp.ts), live fan-out of
 * what the store commits (fanout.ts, told by `fanOut`), pushes by group commit (groupCommit.ts),
 * and the frames routing and web chat hear. Options (ResolvedOptions): heartbeatMs, authTimeoutMs,
 * pageSize, rateLimit, maxJsonDepth, maxMutationsPerBatch. Shared state lives in hubContext.ts,
 * each client frame's handling in clientFrames.ts.
 */
export function createSyncHub(d: HubDeps) {
  const ctx = createHubContext(d, (c, text) => receive(ctx, c, text));
  const { conns, connectedAgents, listeners } = ctx;

  return {
    /** Sends a commit to every live connection allowed to see it (subscribed to store.onCommit). */
    fanOut(commit: Commit): void {
      ctx.fanout.fanOut(commit);
    },

    /** Sends what `step` finds (a batch read from the log) in its turn among the commits (clusterFanIn.ts). */
    fanOutNext(step: () => Promise<FanOutStep> | FanOutStep): void {
      ctx.fanout.fanOutNext(step);
    },

    attachRouting(r: RoutingHooks): void {
      ctx.routing = r;
    },

    attachSupervision(s: SupervisionHooks): void {
      ctx.supervision = s;
    },

    /** Whether an app of this agent is connected now. */
    isConnected: (agentId: string): boolean => connectedAgents.has(agentId),

    /** Hears agents' typing frames (web chat shows them to the customer, if theirs to see). */
    onAgentTyping(listener: (agentId: string, conversationId: string, on: boolean) => void): void {
      listeners.typing.push(listener);
    },

    /** Hears agents' read frames (web chat shows the customer a read receipt). */
    onAgentRead(listener: (agentId: string, conversationId: string) => void): void {
      listeners.read.push(listener);
    },

    /** Sends a frame to every live connection of an agent (offers). */
    sendToAgent(agentId: string, frame: ServerFrame): void {
      for (const c of conns) if (c.principal?.agentId === agentId) send(c, frame);
    },

    /** Serves one upgraded socket until it closes. */
    accept: (ws: WebSocket): void => acceptSocket(ctx, d, ws),

    /** Tells and disconnects every socket of a revoked device (close 4410). */
    disconnectDevice(deviceId: string): void {
      for (const c of conns) {
        if (c.principal?.deviceId === deviceId)
          shut(c, RELAY_ERR.DEVICE_REVOKED, 'This device was revoked.', RELAY_CLOSE.DEVICE_REVOKED);
      }
    },

    /** Tells and disconnects every socket of an agent but `exceptDeviceId`'s (disabled, password changed). */
    disconnectAgent(
      agentId: string,
      why: { code: RelayErrorCode; message: string; close: number },
      exceptDeviceId?: string,
    ): number {
      let closed = 0;
      for (const c of conns) {
        if (c.principal?.agentId !== agentId || c.principal.deviceId === exceptDeviceId) continue;
        shut(c, why.code, why.message, why.close);
        closed += 1;
      }
      return closed;
    },

    /** After a membership or role change: reload the agent's role and teams and resend its view. */
    refreshAgent: (agentId: string): void =>
      void refreshAgent(ctx, agentId).catch((err: unknown) =>
        d.log.error({ err, agent: agentId }, 'sync refresh of an agent failed'),
      ),

    close(): void {
      clearInterval(ctx.heartbeat);
      for (const c of conns) c.ws.close(1001, 'relay shutting down');
    },
  };
}

/** Serves one upgraded socket: a hello within authTimeoutMs, JSON text frames, until it closes. */
function acceptSocket(ctx: HubContext, d: HubDeps, ws: WebSocket): void {
  const { conns } = ctx;
  const { log, o } = d;
  const c = newConn(ws, o.rateLimit);
  conns.add(c);
  d.metrics.connections += 1;
  const helloTimer = setTimeout(() => {
    if (!c.principal)
      shut(c, RELAY_ERR.UNAUTHORIZED, `No hello within ${o.authTimeoutMs} ms.`, RELAY_CLOSE.TIMEOUT);
  }, o.authTimeoutMs);
  ws.on('pong', () => (c.alive = true));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return fail(c, RELAY_ERR.BAD_FRAME, 'Frames are JSON text, not binary.');
    receive(ctx, c, data.toString());
  });
  ws.on('error', (err) => log.warn({ err: err.message }, 'sync socket error'));
  ws.on('close', () => {
    clearTimeout(helloTimer);
    connClosed(ctx, c);
  });
}

/** After a membership or role change: reload the agent's role and teams and resend its view. */
async function refreshAgent(ctx: HubContext, agentId: string): Promise<void> {
  const { conns, catchUpDeps, identity } = ctx;
  ctx.supervision?.rescoped(agentId);
  const [agent, teamIds] = await Promise.all([identity.agentById(agentId), identity.teamIdsOf(agentId)]);
  const role = agent?.role;
  for (const c of conns) {
    if (c.principal?.agentId !== agentId) continue;
    if (role) c.principal = { ...c.principal, role };
    c.viewer = viewerWith(c.principal, teamIds);
    c.forceSnapshot = true;
    c.gen += 1;
    startCatchUp(catchUpDeps, c);
  }
}
