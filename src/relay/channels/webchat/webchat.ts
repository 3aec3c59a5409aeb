import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Change } from '../../../shared/sync/entities';
import { RELAY_CLOSE } from '../../../shared/sync/protocol';
import { guarded } from '../../core/guard';
import { targetOf } from '../../http/requestTarget';
import { sendAgentFile, sweepUnsentFiles } from './agentFiles';
import { createAttachmentStore, resolveAttachmentOptions } from './attachments';
import { createChatQueries, resolveWebchatOptions, type WebchatContext, type WebchatDeps } from './context';
import { leaveOfflineMessage, offlineReplyHours, originAllowed, startSession } from './sessions';
import { agentRead, agentTyping, visitorsHear } from './transcript';
import { createVisitorPresence } from './presence';
import { tickQueue, type Visitor } from './visitor';
import { acceptVisitor } from './visitorSocket';
import { createWidgetHttp } from './widgetHttp';

export type { WebchatDeps } from './context';
export { webchatOptionsSchema, type WebchatInboxConfig, type WebchatOptions } from './options';

/**
 * The web chat channel: serves `GET /widget.js`, starts visitor sessions (`POST
 * /v1/widget/sessions`, answering with an HMAC-signed visitor token bound to the visitor's customer
 * record in one inbox) and carries the conversation over `/v1/widget/socket`: visitor messages go
 * through `inbound.receive`, agents' replies, queue position and the CSAT prompt come back.
 * Defaults in WebchatOptions.
 */
export function createWebchat(d: WebchatDeps) {
  const o = resolveWebchatOptions(d.options);
  const visitors = new Set<Visitor>();
  const ctx: WebchatContext = {
    d,
    o,
    q: createChatQueries(d),
    files: createAttachmentStore(d.dataDir, resolveAttachmentOptions(d.options?.attachments), d.now),
    visitors,
    presence: createVisitorPresence({ deps: d, visitors, goneMs: o.visitorGoneMs }),
    inboxConfig: d.inboxConfig ?? (async (inboxId: string) => o.inboxes[inboxId]),
  };
  // Changes are heard in commit order, each batch after the one before (a bind may read first).
  let hearing: Promise<void> = Promise.resolve();
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload });

  const queueTimer = setInterval(
    guarded(d.log, 'web chat queue tick', () => tickQueue(visitors, d.queuePosition)),
    o.queueTickMs,
  );
  queueTimer.unref();
  // Files a visitor uploaded and never sent go after a day (at start, then hourly).
  sweepUnsentFiles(ctx);
  const sweepTimer = setInterval(() => sweepUnsentFiles(ctx), 3600_000);
  sweepTimer.unref();

  const handle = widgetHttp(ctx);

  return {
    /** Serves `/widget.js`, `/v1/widget/*` (sessions, config, offline form, files) and agents' `/v1/attachments/:id`. */
    handle,

    /** Takes `/v1/widget/socket` upgrades; false for other paths. */
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer): boolean =>
      upgradeVisitorSocket(ctx, wss, req, socket, head),

    /** Sees every published change: agents' replies, assignment and resolution reach the visitor. */
    onChanges(changes: readonly Change[]): void {
      hearing = hearing
        .then(() => visitorsHear(ctx, changes))
        .catch((err: unknown) => d.log.error({ err }, 'web chat: telling visitors of changes failed'));
    },

    /** An agent's typing reaches the visitor only when the conversation is assigned to that agent. */
    agentTyping: guarded(
      d.log,
      'web chat agent typing',
      (agentId: string, conversationId: string, on: boolean) => agentTyping(ctx, agentId, conversationId, on),
    ),

    /** The assigned agent read the conversation: the visitor sees a read receipt (transcript.ts). */
    agentRead: guarded(d.log, 'web chat agent read', (agentId: string, conversationId: string) =>
      agentRead(ctx, agentId, conversationId),
    ),

    /** Whether a visitor has this conversation's chat open now (routing: the chat is live). */
    visitorConnected: (conversationId: string): boolean => visitorConnected(visitors, conversationId),

    /** An admin changed the inbox's settings: chats open on a page no longer allowed are closed. */
    settingsChanged: guarded(d.log, 'web chat settings recheck', (inboxId: string) =>
      closeChatsNoLongerAllowed(ctx, inboxId),
    ),

    close(): void {
      clearInterval(queueTimer);
      clearInterval(sweepTimer);
      ctx.presence.close();
      for (const v of visitors) v.ws.terminate();
      wss.close();
    },
  };
}

/** The widget's HTTP routes, wired to the channel's sessions, files and settings. */
function widgetHttp(ctx: WebchatContext) {
  const { d, o } = ctx;
  return createWidgetHttp({
    store: d.store,
    log: d.log,
    secret: d.secret,
    maxBodyBytes: d.maxBodyBytes,
    maxJsonDepth: d.maxJsonDepth,
    now: d.now,
    isStaffed: d.isStaffed,
    authorizeAgent: d.authorizeAgent,
    files: ctx.files,
    maxMessageLength: o.maxMessageLength,
    sessionRateLimit: o.sessionRateLimit,
    uploadRateLimit: o.rateLimit,
    offlineReplyHours: (inboxId) => offlineReplyHours(ctx, inboxId),
    inboxExists: ctx.q.inboxExists,
    visitorOwns: async (customerId, conversationId) =>
      (await ctx.q.ownConversation(customerId, conversationId)) !== null,
    originAllowed: (inboxId, origin) => originAllowed(ctx, inboxId, origin),
    startSession: (b) => startSession(ctx, b),
    leaveOfflineMessage: (b) => leaveOfflineMessage(ctx, b),
    sendAgentFile: (agentId, conversationId, file) => sendAgentFile(ctx, agentId, conversationId, file),
  });
}

/** Takes a `/v1/widget/socket` upgrade and accepts the visitor on it; false for other paths. */
function upgradeVisitorSocket(
  ctx: WebchatContext,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): boolean {
  const { path, query } = targetOf(req);
  if (path !== '/v1/widget/socket') return false;
  wss.handleUpgrade(req, socket, head, (ws) => acceptVisitor(ctx, ws, req, query));
  return true;
}

function visitorConnected(visitors: ReadonlySet<Visitor>, conversationId: string): boolean {
  for (const v of visitors) if (v.conversationId === conversationId) return true;
  return false;
}

/** Closes the inbox's chats open on a page its settings no longer allow. */
async function closeChatsNoLongerAllowed(ctx: WebchatContext, inboxId: string): Promise<void> {
  for (const v of ctx.visitors)
    if (v.inboxId === inboxId && !(await originAllowed(ctx, inboxId, v.origin)))
      v.ws.close(RELAY_CLOSE.FORBIDDEN, 'origin not allowed');
}
