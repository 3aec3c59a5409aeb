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
}

/**
 * Wrap-up: records a finished call as a `call.log` mutation in the customer's open voice
 * conversation (a new one when there is none). An unknown caller first becomes a customer, named as
 * the agent typed or after the number, so every call lands in someone's timeline.
 */
export function logCall(s: LocalStore, a: CallArgs<'calls:log'>): CallView {
  const remote = a.direction === 'in' ? a.from : a.to;
  const customerId = callerOf(s, a, remote);
  const conversationId = voiceConversationOf(s, customerId, remote);
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
  const { customerId: _customer, newCustomerName: _name, newCustomerPhone: _phone, ...call } = a;
  s.mutate('call.log', { id, conversationId, ...call });
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
