import type { CallArgs, CallResult } from '../../shared/api';
import type { CallChannel } from '../../shared/channels';
import { definedOnly } from '../../shared/objects';
import type { RejectedView } from '../../shared/views';
import { LABEL_LIMITS } from '../../shared/sync/mutations';
import { LOCAL_ERR, LocalError } from '../store/errors';
import type { WorkspaceService } from '../services/workspaceService';
import { callsOfCustomer, profileConversations, screenPop } from '../store/calls';
import { searchCannedReplies } from '../store/cannedReplies';
import { countConversations, labelNames, listConversations } from '../store/conversations';
import { getCustomer, mergedInto } from '../store/customers';
import { customerHistory } from '../store/customerHistory';
import { CustomerMergeError, planMerge } from '../../shared/sync/customerMerge';
import type { Db } from '../store/db';
import { logCall } from './callLog';

type WorkspaceChannel = Extract<
  CallChannel,
  | `session:${string}`
  | `inbox:${string}`
  | `customers:${string}`
  | `conversations:${string}`
  | `messages:${string}`
  | `notes:${string}`
  | `history:${string}`
  | `search:${string}`
  | `sync:${string}`
  | `calls:${string}`
>;
export type WorkspaceHandlers = {
  [C in WorkspaceChannel]: (args: CallArgs<C>) => CallResult<C> | Promise<CallResult<C>>;
};

const notFound = (what: string) =>
  new LocalError(LOCAL_ERR.INVALID_MUTATION, `${what} is not in this workstation's data.`);

/** The app API over the signed-in agent's workspace: reads from the cache, writes as mutations. */
export function createWorkspaceHandlers(w: WorkspaceService): WorkspaceHandlers {
  const store = () => w.requireStore();
  // Files on their way to a web chat visitor, by upload id, until their last part arrives.
  const uploads = new Map<string, { conversationId: string; parts: Buffer[]; size: number; at: number }>();
  return {
    'session:get': () => w.state(),
    'session:login': (a) =>
      w.login({
        relayUrl: a.relayUrl,
        email: a.email,
        password: a.password,
        ...definedOnly({ passphrase: a.passphrase, newPassword: a.newPassword }),
      }),
    'session:unlock': ({ passphrase }) => w.unlock(passphrase),
    'session:logout': ({ wipe }) => w.logout(wipe ?? false),
    'session:discardLostCache': () => w.discardLostCache(),

    'customers:list': (a) => store().customers(definedOnly(a)),
    'customers:get': ({ id }) => {
      const s = store();
      const customer = s.customer(id);
      if (!customer) throw notFound('This customer');
      return {
        customer,
        conversations: profileConversations(s.db, id),
        history: s.fieldHistory('customer', id),
        calls: callsOfCustomer(s.db, id),
        mergedInto: mergeTarget(s.db, customer.mergedInto),
        mergedFrom: mergedInto(s.db, id).map((c) => ({ id: c.id, name: c.name, at: c.merge?.at ?? null })),
      };
    },
    'customers:create': ({ fields }) => {
      const s = store();
      const id = s.newId();
      s.mutate('customer.create', { id, fields });
      return s.customer(id)!;
    },
    'customers:update': ({ id, fields }) => {
      const s = store();
      s.mutate('customer.update', { id, fields });
      const c = s.customer(id);
      if (!c) throw notFound('This customer');
      return c;
    },
    'customers:merge': ({ sourceId, targetId }) => {
      const s = store();
      const source = s.customer(sourceId);
      const target = s.customer(targetId);
      if (!source) throw notFound('The profile to merge');
      if (!target) throw notFound('The profile to merge into');
      if (mergedInto(s.db, sourceId).length > 0)
        throw new LocalError(
          LOCAL_ERR.INVALID_MUTATION,
          `Other profiles were merged into ${source.name}; merge ${target.name} into it instead, or undo those merges first.`,
        );
      try {
        planMerge({ sourceId, source, targetId, target, at: '', by: null, conversations: [] });
      } catch (err) {
        if (err instanceof CustomerMergeError) throw new LocalError(LOCAL_ERR.INVALID_MUTATION, err.message);
        throw err;
      }
      s.mutate('customer.merge', { sourceId, targetId });
      return s.customer(targetId)!;
    },
    'customers:unmerge': ({ sourceId }) => {
      const s = store();
      const source = s.customer(sourceId);
      if (!source) throw notFound('This customer');
      if (!source.mergedInto)
        throw new LocalError(
          LOCAL_ERR.INVALID_MUTATION,
          `${source.name} is not merged into another profile.`,
        );
      s.mutate('customer.unmerge', { sourceId, targetId: source.mergedInto });
      return s.customer(sourceId)!;
    },
    'customers:lookupPhone': ({ phone }) => ({ pop: screenPop(store().db, phone) }),
    'calls:log': (a) => logCall(store(), a),
    'conversations:list': ({ view, limit, offset, ...rest }) => {
      const s = store();
      const agent = s.identity()?.agent;
      const filters = definedOnly({
        ...rest,
        assignee: view === 'mine' ? (agent?.id ?? '') : view === 'unassigned' ? '' : undefined,
        teamIds: view === 'teams' ? (agent?.teamIds ?? []) : undefined,
        now: Date.now(),
      });
      const at = offset ?? 0;
      return {
        total: countConversations(s.db, filters),
        offset: at,
        items: listConversations(s.db, { ...filters, offset: at, limit: limit ?? 100 }),
      };
    },
    'conversations:labels': () => labelNames(store().db),
    'conversations:get': ({ id }) => {
      const s = store();
      const conversation = s.conversation(id);
      if (!conversation) throw notFound('This conversation');
      const queued = s
        .pending(10_000)
        .filter(
          (m) =>
            (m.name === 'message.send' || m.name === 'note.add') &&
            (m.args as { conversationId?: string }).conversationId === id,
        )
        .map((m) => (m.args as { id: string }).id);
      return {
        conversation,
        timeline: s.timeline(id),
        customerHistory: customerHistory(s.db, conversation.customerId, id),
        queued,
      };
    },
    'conversations:addLabel': ({ id, label }) => {
      const s = store();
      const before = s.conversation(id);
      if (!before) throw notFound('This conversation');
      if (!before.labels.includes(label) && before.labels.length >= LABEL_LIMITS.perConversation)
        throw new LocalError(
          LOCAL_ERR.INVALID_MUTATION,
          `A conversation has at most ${LABEL_LIMITS.perConversation} labels; remove one first.`,
        );
      s.mutate('conversation.addLabel', { id, label });
      return s.conversation(id)!;
    },
    'conversations:removeLabel': ({ id, label }) => {
      const s = store();
      if (!s.conversation(id)) throw notFound('This conversation');
      s.mutate('conversation.removeLabel', { id, label });
      return s.conversation(id)!;
    },
    'conversations:setStatus': ({ id, status, snoozedUntil }) => {
      const s = store();
      s.mutate('conversation.setStatus', { id, status, ...definedOnly({ snoozedUntil }) });
      const c = s.conversation(id);
      if (!c) throw notFound('This conversation');
      return c;
    },
    'messages:send': ({ conversationId, body }) => {
      const s = store();
      const id = s.newId();
      s.mutate('message.send', { id, conversationId, body });
      return { id };
    },
    'notes:add': ({ conversationId, body }) => {
      const s = store();
      const id = s.newId();
      s.mutate('note.add', { id, conversationId, body, mentions: mentionsIn(body, s.directory().agents) });
      return { id };
    },
    'history:get': ({ entity, id, field }) => store().fieldHistory(entity, id, field),
    'search:query': ({ q, limit }) => store().search(q, definedOnly({ limit })),
    'sync:listRejected': () =>
      store()
        .rejected()
        .map((r): RejectedView => ({
          id: r.id,
          name: r.name,
          code: r.code,
          message: r.message,
          at: r.rejectedAt,
        })),
    'sync:dismissRejected': ({ id }) => ({ dismissed: store().dismissRejected(id) }),
    'inbox:listOffers': () => w.listOffers(),
    'inbox:listMovedWhileAway': () => w.listMovedWhileAway(),
    'inbox:dismissMovedWhileAway': ({ upTo }) => w.dismissMovedWhileAway(upTo),
    'inbox:directory': () => store().directory(),
    'conversations:markRead': ({ id }) => {
      const s = store();
      s.markRead(id);
      w.sendRead(id);
      return { unread: s.conversation(id)?.unread ?? 0 };
    },
    'conversations:transfer': (a) => {
      const s = store();
      s.mutate('conversation.transfer', definedOnly(a));
      const c = s.conversation(a.id);
      if (!c) throw notFound('This conversation');
      return c;
    },
    'inbox:replyOffer': ({ offerId, accept }) => w.replyOffer(offerId, accept),
    'inbox:searchCannedReplies': ({ q }) => searchCannedReplies(store().db, q),
    'inbox:setTyping': ({ conversationId, on }) => w.setTyping(conversationId, on),
    'messages:sendAttachment': async ({ conversationId, uploadId, name, part, done }) => {
      for (const [k, u] of uploads) if (Date.now() - u.at > 10 * 60_000) uploads.delete(k);
      if (!store().conversation(conversationId)) throw notFound('This conversation');
      const u = uploads.get(uploadId) ?? { conversationId, parts: [], size: 0, at: Date.now() };
      if (u.conversationId !== conversationId) throw notFound('This upload');
      const bytes = Buffer.from(part, 'base64');
      u.parts.push(bytes);
      u.size += bytes.length;
      u.at = Date.now();
      // The relay has the real limit (10 MiB by default); this only bounds what main holds.
      if (u.size > 100 * 1024 * 1024) {
        uploads.delete(uploadId);
        throw new LocalError(LOCAL_ERR.INVALID_MUTATION, 'This file is too large to send.');
      }
      uploads.set(uploadId, u);
      if (!done) return { messageId: null };
      uploads.delete(uploadId);
      const res = await w.relayFetch(`/v1/attachments?conversationId=${encodeURIComponent(conversationId)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
        body: Buffer.concat(u.parts),
      });
      const body = (await res.json().catch(() => null)) as {
        messageId?: string;
        error?: { message?: string };
      } | null;
      if (!res.ok || !body?.messageId)
        throw new LocalError(
          res.status === 401 ? LOCAL_ERR.AUTH_FAILED : LOCAL_ERR.INVALID_MUTATION,
          body?.error?.message ?? `The server answered ${res.status}.`,
        );
      return { messageId: body.messageId };
    },
    'messages:getAttachment': async ({ conversationId, attachmentId }) => {
      // Only files on messages this agent's replica holds: the relay checks visibility again.
      const a = store()
        .messages(conversationId)
        .flatMap((m) => m.attachments ?? [])
        .find((x) => x.id === attachmentId);
      if (!a) throw notFound('This file');
      const bytes = await w.fetchAttachment(a.id);
      return { name: a.name, type: a.type, size: bytes.length, base64: bytes.toString('base64') };
    },
  };
}

/**
 * Agents named as "@Full Name" in a note (case-insensitive, longest name first so "@Li Na" is not
 * taken for "@Li"); at most 20, as the mutation allows.
 */
export function mentionsIn(body: string, agents: readonly { id: string; name: string }[]): string[] {
  let text = body.toLocaleLowerCase();
  const found: string[] = [];
  for (const a of [...agents].filter((x) => x.name).sort((x, y) => y.name.length - x.name.length)) {
    const token = `@${a.name.toLocaleLowerCase()}`;
    const at = text.indexOf(token);
    if (at < 0 || found.includes(a.id)) continue;
    found.push(a.id);
    // Blank out the match so a shorter name inside it ("@Li" in "@Li Na") is not found again.
    text = text.slice(0, at) + ' '.repeat(token.length) + text.slice(at + token.length);
  }
  return found.slice(0, 20);
}

/** The profile a merged one now lives in, by name (null when not merged or not in the cache). */
function mergeTarget(db: Db, id: string | null | undefined): { id: string; name: string } | null {
  if (!id) return null;
  const c = getCustomer(db, id);
  return c ? { id: c.id, name: c.name } : null;
}
