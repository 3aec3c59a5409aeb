import type { CallArgs } from '../../shared/api';
import type { CallView } from '../../shared/views';
import { LOCAL_ERR, LocalError } from '../store/errors';
import type { LocalStore } from '../store/localStore';
import { callsOfCustomer } from '../store/calls';
import { getRecording, linkRecording } from '../store/recordings';

/**
 * Wrap-up: records a finished call as a `call.log` mutation in the customer's open voice
 * conversation (a new one when there is none). An unknown caller first becomes a customer, named as
 * the agent typed or after the number, so every call lands in someone's timeline.
 */
export function logCall(s: LocalStore, a: CallArgs<'calls:log'>): CallView {
  const remote = a.direction === 'in' ? a.from : a.to;
  let customerId = a.customerId;
  if (customerId === null) {
    customerId = s.newId();
    const phone = a.newCustomerPhone;
    s.mutate('customer.create', {
      id: customerId,
      fields: { name: a.newCustomerName ?? remote.slice(0, 200), ...(phone ? { phones: [phone] } : {}) },
    });
  } else if (!s.customer(customerId)) {
    throw new LocalError(LOCAL_ERR.INVALID_MUTATION, "This customer is not in this workstation's data.");
  }
  const voice = s
    .conversationsOfCustomer(customerId)
    .find((c) => c.channel === 'voice' && c.status !== 'resolved');
  let conversationId = voice?.id;
  if (!conversationId) {
    conversationId = s.newId();
    s.mutate('conversation.create', {
      id: conversationId,
      customerId,
      channel: 'voice',
      subject: `Call ${remote}`.slice(0, 500),
    });
  }
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
