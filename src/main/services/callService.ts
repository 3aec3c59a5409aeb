import type { CallArgs } from '../../shared/api';
import type { CallView, ScreenPop } from '../../shared/views';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { callsOfCustomer, screenPop } from '../store/calls';
import type { LocalStore } from '../store/localStore';
import { getRecording, linkRecording } from '../store/recordings';

/**
 * Phone calls on the app side: the screen pop from the cache, and the wrap-up that records a
 * finished call in the customer's timeline (offline too), with its recording then due for upload.
 */
export class CallService {
  constructor(
    private readonly o: {
      store: () => LocalStore;
      /** Starts uploading recordings that are due (see RecordingService.upload). */
      uploadRecordings: () => void;
    },
  ) {}

  /** Screen-pop: the customer with this E.164 number in the cache, or null. */
  lookupPhone(phone: string): { pop: ScreenPop | null } {
    return { pop: screenPop(this.o.store().db, phone) };
  }

  /** Logs a finished call (see logCall); a call with a recording starts its upload. */
  log(a: CallArgs<'calls:log'>): CallView {
    const logged = logCall(this.o.store(), a);
    if (a.recording) this.o.uploadRecordings();
    return logged;
  }

  /** A live call's event, as a `call.event` mutation (local store and outbox in one transaction). */
  event(a: CallArgs<'calls:event'>): { ok: true } {
    const s = this.o.store();
    if (!s.record('conversation', a.conversationId))
      throw new LocalError(
        LOCAL_ERR.INVALID_MUTATION,
        "This call's conversation is not in this workstation's data.",
      );
    s.mutate('call.event', { id: s.newId(), ...a });
    return { ok: true };
  }

  /**
   * An outbound call to a customer: their profile (the one named, else the one with this number,
   * else a new one named after the number) and a new voice conversation for the call, which the
   * relay puts in the agent's team inbox and assigns to them, as it does for any they start.
   */
  dial(a: CallArgs<'calls:dial'>): { conversationId: string; customerId: string } {
    const s = this.o.store();
    const named = a.customerId !== null && s.customer(a.customerId) ? a.customerId : null;
    let customerId = named ?? screenPop(s.db, a.phone)?.customer.id ?? null;
    if (customerId === null) {
      customerId = s.newId();
      s.mutate('customer.create', { id: customerId, fields: { name: a.phone, phones: [a.phone] } });
    }
    const conversationId = s.newId();
    s.mutate('conversation.create', {
      id: conversationId,
      customerId,
      channel: 'voice',
      subject: `Call to ${a.phone}`,
    });
    return { conversationId, customerId };
  }
}

/**
 * Wrap-up: records a finished call as a `call.log` mutation in the customer's open voice
 * conversation (a new one when there is none). An unknown caller first becomes a customer, named as
 * the agent typed or after the number, so every call lands in someone's timeline.
 */
export function logCall(s: LocalStore, a: CallArgs<'calls:log'>): CallView {
  const remote = a.direction === 'in' ? a.from : a.to;
  const own = a.conversationId ? s.record('conversation', a.conversationId) : null;
  const ownCustomer = own?.data['customerId'];
  const customerId =
    a.customerId === null && typeof ownCustomer === 'string' && s.customer(ownCustomer)
      ? ownCustomer
      : callerOf(s, a, remote);
  // The call's own conversation when it has one (a queue call, a call the agent placed).
  const conversationId = own ? a.conversationId! : voiceConversationOf(s, customerId, remote);
  if (a.recording) {
    const r = getRecording(s.db, a.recording.id);
    if (!r?.complete || r.bytes !== a.recording.bytes)
      throw new LocalError(
        LOCAL_ERR.INVALID_MUTATION,
        "The call's recording is not saved on this workstation; save it before logging the call.",
      );
  }
  const id = s.newId();
  // The call's own fields are the mutation's arguments as they are (the schema is shared); the
  // record it makes is built by the sync core (shared/sync/records).
  const {
    customerId: _customer,
    newCustomerName: _name,
    newCustomerPhone: _phone,
    conversationId: _conversation,
    ...call
  } = a;
  s.mutate('call.log', { id, conversationId, ...call });
  // The call's own conversation is done with the wrap-up: resolved, so it no longer counts
  // against the agent's call capacity.
  if (own && own.data['status'] !== 'resolved')
    s.mutate('conversation.setStatus', { id: conversationId, status: 'resolved' });
  // From now on the recording is due for upload (once this record has reached the relay).
  if (a.recording) linkRecording(s.db, a.recording.id, id);
  const logged = callsOfCustomer(s.db, customerId, 50).find((c) => c.id === id);
  if (!logged) throw new LocalError(LOCAL_ERR.INVALID_MUTATION, 'The call could not be recorded.');
  return logged;
}

/** The call's customer: the one named, or a new one for an unknown caller. */
function callerOf(s: LocalStore, a: CallArgs<'calls:log'>, remote: string): string {
  if (a.customerId !== null) {
    if (!s.customer(a.customerId))
      throw new LocalError(LOCAL_ERR.INVALID_MUTATION, "This customer is not in this workstation's data.");
    return a.customerId;
  }
  const customerId = s.newId();
  const phone = a.newCustomerPhone;
  s.mutate('customer.create', {
    id: customerId,
    fields: { name: a.newCustomerName ?? remote.slice(0, 200), ...(phone ? { phones: [phone] } : {}) },
  });
  return customerId;
}

/** The customer's open voice conversation, or a new one for this call. */
function voiceConversationOf(s: LocalStore, customerId: string, remote: string): string {
  const voice = s
    .conversationsOfCustomer(customerId)
    .find((c) => c.channel === 'voice' && c.status !== 'resolved');
  if (voice) return voice.id;
  const conversationId = s.newId();
  s.mutate('conversation.create', {
    id: conversationId,
    customerId,
    channel: 'voice',
    subject: `Call ${remote}`.slice(0, 500),
  });
  return conversationId;
}
