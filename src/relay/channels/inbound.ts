import parsePhoneNumber from 'libphonenumber-js/max';
import { uuidv7 } from '../../shared/sync/ids';
import {
  emptyCustomerFields,
  type Channel,
  type ConversationStatus,
  type MessageAttachment,
  type MessageData,
} from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { duesOnCustomerMessage } from '../../shared/sla/dues';
import { slaPolicyOf, type SlaPolicy } from '../../shared/sla/policy';
import { RelayError } from '../core/errors';
import type { AsyncTx } from '../data/asyncStore';
import type { IdentityReads, InboxRow } from '../data/identityData';
import type { InboundData, InboundTx } from '../data/inboundData';
import { writeFieldsAsync } from '../data/records';
import type { WriteMeta } from '../data/store';

/** Who wrote in, as the channel knows them. Unverified: used to match a profile, never to merge two. */
export type InboundFrom = { name?: string; email?: string; phone?: string; defaultRegion?: string };

export type InboundMessage = {
  inboxId: string;
  from: InboundFrom;
  text: string;
  subject?: string;
  /** A customer the channel already knows (web chat session): used as is, `from` is not matched. */
  customerId?: string;
  /** Files the channel stored (web chat); with files the text may be empty. */
  attachments?: MessageAttachment[];
  /** Status of a conversation this message starts. Default open. */
  status?: ConversationStatus;
  /**
   * The conversation a channel session is bound to (web chat; null before its first message): the
   * message goes there while it is open (in whichever inbox of the channel a transfer put it), else
   * a new conversation starts in this inbox. Another open
   * conversation of the customer is never picked, so a session never writes into one a merge brought.
   * Default (absent): the customer's open conversation in the inbox.
   */
  conversationId?: string | null;
  /**
   * Whether to ask routing for an agent at once. Default true; false for a channel that routes the
   * conversation itself once it has noted it (a queued call, whose offers ring a phone).
   */
  route?: boolean;
  /**
   * The poster's own id for the conversation (API channel): kept on the conversation record (the
   * latest given wins) and sent back with every reply on the webhook, so the poster can correlate.
   */
  externalId?: string;
  /**
   * The address replies go to (email: the sender's, so an answer goes back to the address that
   * wrote): kept as the conversation's `to`, the latest given wins.
   */
  replyTo?: string;
  /** Channel fields of the message record (an email's headers and sanitized HTML). */
  messageFields?: Pick<MessageData, 'email'>;
  /**
   * Runs inside the same transaction once the records are written (a channel's own bookkeeping,
   * such as an email's Message-ID and the mailbox position), so both commit or neither does.
   * `tx` is that transaction (its synced records in `tx.records`).
   */
  alsoRecord?: (r: InboundResult, tx: InboundTx) => void | Promise<void>;
};

export type InboundResult = {
  customerId: string;
  conversationId: string;
  messageId: string;
  newConversation: boolean;
};

export type InboundDeps = {
  /** The store transaction and the inbound reads in it (data/inboundData.ts). */
  data: InboundData;
  /** Where inboxes are read (the identity repository). */
  identity: Pick<IdentityReads, 'inbox'>;
  relayClock: HlcClock;
  now: () => number;
  /** Asks routing for an agent for a conversation that has none. */
  route: (conversationId: string) => void;
  /**
   * How long after its last message a resolved conversation still reopens when its customer
   * writes in it again (a reply to its mail, the same chat session, the API naming the customer);
   * later, a new conversation starts. Default 30 days.
   */
  reopenResolvedWithinMs?: number;
};

/** Default of InboundDeps.reopenResolvedWithinMs: 30 days. */
export const DEFAULT_REOPEN_RESOLVED_WITHIN_MS = 30 * 86_400_000;

const SYSTEM: WriteMeta = { mutationId: null, agentId: null };
const MAX_TEXT = 20_000;

/**
 * Customer channels (API, web chat, email, messaging webhooks) all come in here: find the customer
 * by normalized email or phone (libphonenumber-js) or create one, find their conversation in the
 * inbox (reopening it when snoozed, or resolved within `reopenResolvedWithinMs`) or start one,
 * set its SLA due times from the inbox's policy (shared/sla), append the message, and ask routing
 * for an agent. One transaction.
 */
export function createInbound(d: InboundDeps) {
  const c: Ctx = { d, reopenWithin: d.reopenResolvedWithinMs ?? DEFAULT_REOPEN_RESOLVED_WITHIN_MS };
  return {
    async receive(m: InboundMessage): Promise<InboundResult> {
      const inbox = await d.identity.inbox(m.inboxId);
      if (!inbox) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${m.inboxId}.`);
      const { text, attachments, email, phone } = checkedMessage(m);
      const nowMs = d.now();
      const at = new Date(nowMs).toISOString();
      const result = await d.data.transaction(async (tx): Promise<InboundResult> => {
        const policy = slaPolicyOf((await tx.records.get('inbox', inbox.id))?.data);
        const customerId = await customerFor(c, tx, m, email, phone, at);
        const existing =
          m.conversationId === undefined
            ? await customersConversation(c, tx, customerId, inbox.id, nowMs)
            : m.conversationId && (await stillOpen(c, tx.records, m.conversationId, inbox.channel, nowMs))
              ? m.conversationId
              : null;
        const newConversation = existing === null;
        const conversationId = existing
          ? await wakeConversation(c, tx.records, m, existing, inbox, policy, nowMs, at)
          : await startConversation(c, tx.records, m, customerId, inbox, policy, nowMs, at);
        const messageId = uuidv7(d.now());
        await tx.records.put(
          {
            entity: 'message',
            id: messageId,
            data: {
              conversationId,
              customerId,
              direction: 'in',
              authorId: null,
              body: text,
              createdAt: at,
              ...(attachments.length > 0 ? { attachments } : {}),
              ...(m.messageFields ?? {}),
            },
            clocks: {},
            deleted: false,
            convId: conversationId,
          },
          SYSTEM,
        );
        const r = { customerId, conversationId, messageId, newConversation };
        await m.alsoRecord?.(r, tx);
        return r;
      });
      if (m.route !== false) d.route(result.conversationId);
      return result;
    },
  };
}

export type Inbound = ReturnType<typeof createInbound>;

type Ctx = { d: InboundDeps; reopenWithin: number };

/** The message's text and attachments, and its sender's email and phone normalized; bad input throws. */
function checkedMessage(m: InboundMessage) {
  const text = m.text.trim();
  const attachments = m.attachments ?? [];
  if (!text && attachments.length === 0)
    throw new RelayError(RELAY_ERR.VALIDATION, 'text: the message is empty.');
  if (text.length > MAX_TEXT)
    throw new RelayError(RELAY_ERR.VALIDATION, `text: at most ${MAX_TEXT} characters.`);
  const email = m.from.email?.trim().toLowerCase() || undefined;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new RelayError(RELAY_ERR.VALIDATION, 'from.email: not an email address.');
  }
  let phone: string | undefined;
  if (m.from.phone) {
    const p = parsePhoneNumber(m.from.phone, { defaultCountry: (m.from.defaultRegion ?? 'US') as 'US' });
    if (!p?.isValid()) throw new RelayError(RELAY_ERR.VALIDATION, 'from.phone: not a valid phone number.');
    phone = p.number;
  }
  return { text, attachments, email, phone };
}

/** The customer named, or found by email or phone, or a new one made from what the channel knows. */
async function customerFor(
  c: Ctx,
  tx: InboundTx,
  m: InboundMessage,
  email: string | undefined,
  phone: string | undefined,
  at: string,
): Promise<string> {
  const { d } = c;
  const found =
    m.customerId ??
    ((email && (await tx.customerByEmail(email))) || (phone && (await tx.customerByPhone(phone))) || null);
  if (found) return found;
  const customerId = uuidv7(d.now());
  const name = (m.from.name ?? '').trim().slice(0, 200) || email || phone || 'Visitor';
  await writeFieldsAsync(
    tx.records,
    {
      entity: 'customer',
      id: customerId,
      fields: {
        name,
        ...emptyCustomerFields(),
        phones: phone ? [phone] : [],
        emails: email ? [email] : [],
        createdAt: at,
      },
      clock: d.relayClock.now(),
      convId: null,
      at,
    },
    SYSTEM,
  );
  return customerId;
}

/** Whether a customer's message may go into this conversation: not resolved, or resolved lately. */
function reopenable(c: Ctx, data: Record<string, unknown>, nowMs: number): boolean {
  if (data['status'] !== 'resolved') return true;
  const last = Date.parse(String(data['lastMessageAt'] ?? ''));
  return Number.isFinite(last) && nowMs - last <= c.reopenWithin;
}

// Same channel, not same inbox: a chat transferred to another team's inbox is still the chat.
async function stillOpen(
  c: Ctx,
  tx: AsyncTx,
  conversationId: string,
  channel: Channel,
  nowMs: number,
): Promise<boolean> {
  const conv = await tx.get('conversation', conversationId);
  return !!conv && !conv.deleted && conv.data['channel'] === channel && reopenable(c, conv.data, nowMs);
}

async function customersConversation(
  c: Ctx,
  tx: InboundTx,
  customerId: string,
  inboxId: string,
  nowMs: number,
): Promise<string | null> {
  const id = await tx.latestConversation(customerId, inboxId);
  const conv = id ? await tx.records.get('conversation', id) : null;
  return conv && reopenable(c, conv.data, nowMs) ? conv.id : null;
}

/** A new conversation in the inbox, open (or the status the channel gives), due by the inbox's policy. */
async function startConversation(
  c: Ctx,
  tx: AsyncTx,
  m: InboundMessage,
  customerId: string,
  inbox: InboxRow,
  policy: SlaPolicy | null,
  nowMs: number,
  at: string,
): Promise<string> {
  const { d } = c;
  const conversationId = uuidv7(d.now());
  await writeFieldsAsync(
    tx,
    {
      entity: 'conversation',
      id: conversationId,
      fields: {
        customerId,
        channel: inbox.channel,
        subject: (m.subject ?? '').slice(0, 500),
        status: m.status ?? 'open',
        snoozedUntil: null,
        assigneeId: null,
        teamId: inbox.team_id,
        inboxId: inbox.id,
        labels: [],
        ...(m.externalId ? { externalId: m.externalId } : {}),
        ...(m.replyTo ? { to: m.replyTo } : {}),
        ...duesOnCustomerMessage(null, policy, nowMs),
        lastMessageAt: at,
        createdAt: at,
      },
      clock: d.relayClock.now(),
      convId: conversationId,
      at,
    },
    SYSTEM,
  );
  return conversationId;
}

/**
 * A snoozed or resolved conversation wakes: its customer is waiting again. The SLA policy of the
 * inbox it is in now (a transfer may have moved it) sets its due times.
 */
async function wakeConversation(
  c: Ctx,
  tx: AsyncTx,
  m: InboundMessage,
  conversationId: string,
  inbox: InboxRow,
  policy: SlaPolicy | null,
  nowMs: number,
  at: string,
): Promise<string> {
  const { d } = c;
  const record = (await tx.get('conversation', conversationId))!;
  const held = record.data;
  const reopen = held['status'] === 'snoozed' || held['status'] === 'resolved';
  const heldPolicy =
    held['inboxId'] === inbox.id
      ? policy
      : slaPolicyOf((await tx.get('inbox', String(held['inboxId'])))?.data);
  await writeFieldsAsync(
    tx,
    {
      entity: 'conversation',
      id: conversationId,
      fields: {
        lastMessageAt: at,
        ...(m.externalId && held['externalId'] !== m.externalId ? { externalId: m.externalId } : {}),
        ...(m.replyTo && held['to'] !== m.replyTo ? { to: m.replyTo } : {}),
        ...(reopen ? { status: 'open', snoozedUntil: null } : {}),
        ...duesOnCustomerMessage(held, heldPolicy, nowMs),
      },
      clock: d.relayClock.now(),
      convId: conversationId,
      at,
    },
    SYSTEM,
    record,
  );
  return conversationId;
}
