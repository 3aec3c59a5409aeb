import { emptyCustomerFields } from '../../../shared/sync/entities';
import { uuidv7 } from '../../../shared/sync/ids';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { RelayError } from '../../core/errors';
import { writeFieldsAsync } from '../../data/records';
import { SYSTEM, type WebchatContext } from './context';
import { signVisitorToken, verifyIdentityHash } from './token';
import type { OfflineRequest, SessionRequest } from './widgetHttp';

// Who a visitor is: the page's origin checked against the inbox's allow-list, a customer profile
// (their signed identity's, or a new one), the visitor token, and the offline form's message.

/** Whether a page of `origin` may embed the inbox's widget (every origin when no list is set). */
export async function originAllowed(
  ctx: WebchatContext,
  inboxId: string,
  origin: string | undefined,
): Promise<boolean> {
  const allowed = (await ctx.inboxConfig(inboxId))?.allowedOrigins;
  if (!allowed || allowed.length === 0) return true;
  return origin !== undefined && allowed.includes(origin);
}

/** A new customer profile with `fields`, named Visitor unless they say. */
async function createCustomer(ctx: WebchatContext, fields: Record<string, unknown>): Promise<string> {
  const { d } = ctx;
  const id = uuidv7(d.now());
  const at = new Date(d.now()).toISOString();
  await d.store.transaction((tx) =>
    writeFieldsAsync(
      tx,
      {
        entity: 'customer',
        id,
        fields: {
          name: 'Visitor',
          ...emptyCustomerFields(),
          createdAt: at,
          ...fields,
        },
        clock: d.relayClock.now(),
        convId: null,
        at,
      },
      SYSTEM,
    ),
  );
  return id;
}

/** A signed identity lands on its profile; anything else gets a new profile that merges with none. */
export async function startSession(ctx: WebchatContext, b: SessionRequest): Promise<string> {
  const { d, o } = ctx;
  if (!(await ctx.q.inboxExists(b.inboxId)))
    throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${b.inboxId}.`);
  const name = b.name?.trim() || 'Visitor';
  // What the visitor typed is unverified: kept for the agent to read, never used to match.
  const unverified: Record<string, string> = {};
  if (b.email?.trim()) unverified['webchat.email'] = b.email.trim();
  if (b.phone?.trim()) unverified['webchat.phone'] = b.phone.trim();
  let customerId: string | null = null;
  if (b.userId || b.userHash) {
    if (
      !b.userId ||
      !b.userHash ||
      !verifyIdentityHash((await ctx.inboxConfig(b.inboxId))?.identitySecret, b.userId, b.userHash)
    )
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'The signed identity is not valid for this inbox.');
    const identity = `${b.inboxId}:${b.userId}`;
    customerId =
      (await ctx.q.customerByIdentity(identity)) ??
      (await createCustomer(ctx, {
        name,
        identities: [{ kind: 'webchat', value: identity }],
        customFields: unverified,
      }));
  } else {
    customerId = await createCustomer(ctx, { name, customFields: unverified });
  }
  return signVisitorToken(d.secret, { inbox: b.inboxId, cust: customerId, exp: d.now() + o.tokenTtlMs });
}

/** Hours within which the inbox's offline form promises an answer. */
export async function offlineReplyHours(ctx: WebchatContext, inboxId: string): Promise<number> {
  return (await ctx.inboxConfig(inboxId))?.offlineReplyHours ?? ctx.o.offlineReplyHours;
}

/** A conversation for a message left while nobody was there: pending until an agent picks it up. */
export async function leaveOfflineMessage(
  ctx: WebchatContext,
  b: OfflineRequest,
): Promise<{ replyWithinHours: number }> {
  const { o } = ctx;
  if (!(await ctx.q.inboxExists(b.inboxId)))
    throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${b.inboxId}.`);
  if (b.message.length > o.maxMessageLength)
    throw new RelayError(RELAY_ERR.TOO_LARGE, `Messages can be at most ${o.maxMessageLength} characters.`);
  // Unverified, as in a chat: kept for the agent to answer, never used to match a profile.
  const customerId = await createCustomer(ctx, { name: b.name, customFields: { 'webchat.email': b.email } });
  await ctx.d.inbound.receive({
    inboxId: b.inboxId,
    from: {},
    text: b.message,
    customerId,
    subject: `Offline message: answer by email to ${b.email}`,
    status: 'pending',
  });
  return { replyWithinHours: await offlineReplyHours(ctx, b.inboxId) };
}
