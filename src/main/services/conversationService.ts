import type { CallArgs, CallResult } from '../../shared/api';
import { definedOnly } from '../../shared/objects';
import { customerAddress, REPLY_REFUSAL_TEXT, replyRoute, type ReplyRoute } from '../../shared/replyRoute';
import type { CustomerData, InboxData } from '../../shared/sync/entities';
import { LABEL_LIMITS } from '../../shared/sync/mutations';
import type { ConversationView } from '../../shared/views';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { searchCannedReplies } from '../store/cannedReplies';
import { countConversations, labelNames, listConversations } from '../store/conversations';
import { customerHistory } from '../store/customerHistory';
import { latestOf, timelineLength } from '../store/messages';
import type { LocalStore } from '../store/localStore';
import { mentionsIn } from './mentions';
import { notFound } from './notFound';

/**
 * The inbox: conversations, their timelines, replies and notes, labels, status and transfers, and
 * what the agent looks up while answering (history, search, colleagues, canned replies). Reads come
 * from the cache; every change is a mutation, so all of it works offline.
 */
export class ConversationService {
  constructor(
    private readonly o: {
      store: () => LocalStore;
      /** Tells the relay the agent read a conversation (the web chat visitor sees it). */
      sendRead: (conversationId: string) => void;
    },
  ) {}

  /** One window of the inbox list, with the length of the whole filtered list unless `count` is false. */
  list({
    view,
    limit,
    offset,
    count,
    ...rest
  }: CallArgs<'conversations:list'>): CallResult<'conversations:list'> {
    const s = this.o.store();
    const agent = s.identity()?.agent;
    const filters = definedOnly({
      ...rest,
      assignee: view === 'mine' ? (agent?.id ?? '') : view === 'unassigned' ? '' : undefined,
      teamIds: view === 'teams' ? (agent?.teamIds ?? []) : undefined,
      now: Date.now(),
    });
    const at = offset ?? 0;
    return {
      total: count === false ? null : countConversations(s.db, filters),
      offset: at,
      items: listConversations(s.db, { ...filters, offset: at, limit: limit ?? 100 }),
    };
  }

  labels(): string[] {
    return labelNames(this.o.store().db);
  }

  /**
   * A conversation with its timeline (the newest `limit` entries, if given), the customer's other
   * history, and its replies still queued.
   */
  get({ id, limit }: CallArgs<'conversations:get'>): CallResult<'conversations:get'> {
    const s = this.o.store();
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
    const timeline = limit === undefined ? s.timeline(id) : latestOf(s.db, id, limit);
    const earlier = limit === undefined ? 0 : Math.max(0, timelineLength(s.db, id) - timeline.length);
    return {
      conversation,
      timeline,
      earlier,
      customerHistory: customerHistory(s.db, conversation.customerId, id),
      queued,
      replyRoute: this.replyRoute(conversation),
    };
  }

  /** Where a reply on `c` goes, from the cached conversation and customer (the relay checks again). */
  private replyRoute(c: ConversationView): ReplyRoute {
    const customer = this.o.store().record('customer', c.customerId);
    const emails =
      customer && !customer.deleted ? (customer.data as Partial<CustomerData>).emails : undefined;
    const inbox = c.inboxId ? this.o.store().record('inbox', c.inboxId) : null;
    return replyRoute(
      c.channel,
      { emails: emails ?? [] },
      {
        status: c.status,
        inboxWebhook: !!inbox && !inbox.deleted && (inbox.data as Partial<InboxData>).webhook === true,
        to: c.to,
        visitorLeftAt: c.visitorLeftAt,
      },
    );
  }

  addLabel({ id, label }: CallArgs<'conversations:addLabel'>): ConversationView {
    const s = this.o.store();
    const before = s.conversation(id);
    if (!before) throw notFound('This conversation');
    if (!before.labels.includes(label) && before.labels.length >= LABEL_LIMITS.perConversation)
      throw new LocalError(
        LOCAL_ERR.INVALID_MUTATION,
        `A conversation has at most ${LABEL_LIMITS.perConversation} labels; remove one first.`,
      );
    s.mutate('conversation.addLabel', { id, label });
    return s.conversation(id)!;
  }

  removeLabel({ id, label }: CallArgs<'conversations:removeLabel'>): ConversationView {
    const s = this.o.store();
    if (!s.conversation(id)) throw notFound('This conversation');
    s.mutate('conversation.removeLabel', { id, label });
    return s.conversation(id)!;
  }

  setStatus({ id, status, snoozedUntil }: CallArgs<'conversations:setStatus'>): ConversationView {
    const s = this.o.store();
    s.mutate('conversation.setStatus', { id, status, ...definedOnly({ snoozedUntil }) });
    return this.current(id);
  }

  /** Hands a conversation to a colleague or a team's queue (offline too; sent when back). */
  transfer(a: CallArgs<'conversations:transfer'>): ConversationView {
    this.o.store().mutate('conversation.transfer', definedOnly(a));
    return this.current(a.id);
  }

  /** Marks a conversation read here and tells the relay (not queued offline). */
  /** `cleared`: it had unread messages and now has none (the list's counts changed). */
  markRead(id: string): { unread: number; cleared: boolean } {
    const s = this.o.store();
    const before = s.conversation(id)?.unread ?? 0;
    s.markRead(id);
    this.o.sendRead(id);
    const unread = s.conversation(id)?.unread ?? 0;
    return { unread, cleared: before > 0 && unread === 0 };
  }

  sendMessage({ conversationId, body }: CallArgs<'messages:send'>): { id: string } {
    const s = this.o.store();
    const conversation = s.conversation(conversationId);
    if (!conversation) throw notFound('This conversation');
    // Refused before queuing: a reply its channel cannot deliver would be stored and go nowhere.
    const route = this.replyRoute(conversation);
    if (!route.ok) throw new LocalError(LOCAL_ERR.UNDELIVERABLE, REPLY_REFUSAL_TEXT[route.reason]);
    const id = s.newId();
    s.mutate('message.send', { id, conversationId, body });
    return { id };
  }

  /**
   * A new email conversation the agent starts, theirs, with its first mail to `to` (one of the
   * customer's addresses, checked here and again by the relay; default their first, see replyRoute).
   */
  startEmail({ customerId, to, subject, body }: CallArgs<'conversations:startEmail'>): {
    conversationId: string;
    messageId: string;
  } {
    const s = this.o.store();
    const customer = s.record('customer', customerId);
    if (!customer || customer.deleted) throw notFound('This customer');
    const emails = (customer.data as Partial<CustomerData>).emails ?? [];
    const address = to === undefined ? undefined : customerAddress(emails, to);
    if (address === null)
      throw new LocalError(
        LOCAL_ERR.INVALID_MUTATION,
        `${to} is not one of this customer's email addresses; pick one of theirs, or add it to the profile first.`,
      );
    const route = replyRoute('email', { emails }, { status: 'open', inboxWebhook: false, to: address });
    if (!route.ok) throw new LocalError(LOCAL_ERR.UNDELIVERABLE, REPLY_REFUSAL_TEXT[route.reason]);
    const conversationId = s.newId();
    const messageId = s.newId();
    s.mutate('conversation.create', {
      id: conversationId,
      customerId,
      channel: 'email',
      subject,
      ...definedOnly({ to: address }),
    });
    s.mutate('message.send', { id: messageId, conversationId, body });
    return { conversationId, messageId };
  }

  /** An internal note; colleagues named as "@Full Name" in it are told (see mentionsIn). */
  addNote({ conversationId, body }: CallArgs<'notes:add'>): { id: string } {
    const s = this.o.store();
    const id = s.newId();
    s.mutate('note.add', { id, conversationId, body, mentions: mentionsIn(body, s.directory().agents) });
    return { id };
  }

  history({ entity, id, field }: CallArgs<'history:get'>): CallResult<'history:get'> {
    return this.o.store().fieldHistory(entity, id, field);
  }

  search({ q, limit }: CallArgs<'search:query'>): CallResult<'search:query'> {
    return this.o.store().search(q, definedOnly({ limit }));
  }

  /** Teams and agents (names, team membership) for transfers and @mentions. */
  directory(): CallResult<'inbox:directory'> {
    return this.o.store().directory();
  }

  searchCannedReplies(q: string): CallResult<'inbox:searchCannedReplies'> {
    return searchCannedReplies(this.o.store().db, q);
  }

  private current(id: string): ConversationView {
    const c = this.o.store().conversation(id);
    if (!c) throw notFound('This conversation');
    return c;
  }
}
