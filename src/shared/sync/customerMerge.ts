import type { CustomerData, CustomerMerge } from './entities';

/**
 * Merging two profiles of one person (a web chat visitor who later calls, say): the source's
 * phones, emails and identities move to the target, the target's empty fields are filled from the
 * source, and the source keeps a record of exactly what moved so the merge can be undone. The
 * relay also moves the source's conversations (their ids go into the record). Pure: the relay's
 * mutation and the app's optimistic mirror compute the same writes.
 */
export const MERGE_TEXT_FIELDS = ['company', 'address', 'language'] as const;

export type MergeRefusal = 'same' | 'sourceMerged' | 'targetMerged' | 'targetUnverified' | 'notMerged';

export class CustomerMergeError extends Error {
  constructor(
    readonly reason: MergeRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'CustomerMergeError';
  }
}

type Identity = { kind: string; value: string };
const hasContact = (c: CustomerData) => c.phones.length + c.emails.length + c.identities.length > 0;
const identityKey = (i: Identity) => `${i.kind}\u0000${i.value}`;

/** The field writes of a merge or an undo: to the target (surviving) and the source profile. */
export type MergeWrites = { target: Partial<CustomerData>; source: Partial<CustomerData> };

export function planMerge(a: {
  sourceId: string;
  source: CustomerData;
  targetId: string;
  target: CustomerData;
  at: string;
  by: string | null;
  /** Conversations being moved (those of the source the caller may see). */
  conversations: string[];
}): MergeWrites & { merge: CustomerMerge } {
  const { source, target } = a;
  if (a.sourceId === a.targetId)
    throw new CustomerMergeError('same', 'A profile cannot be merged into itself.');
  if (source.mergedInto)
    throw new CustomerMergeError(
      'sourceMerged',
      `${source.name} was already merged into another profile; undo that merge first.`,
    );
  if (target.mergedInto)
    throw new CustomerMergeError(
      'targetMerged',
      `${target.name} was merged into another profile; merge into that profile instead.`,
    );
  // The surviving profile must be the one someone proved: a profile with no email, phone or signed
  // identity (an unverified web chat visitor, typically) takes nobody's contacts, history or future
  // sign-ins. As in contact-center products, the visitor is merged into the customer, not the reverse.
  if (!hasContact(target) && hasContact(source))
    throw new CustomerMergeError(
      'targetUnverified',
      `${target.name} has no verified email, phone or identity; merge ${target.name} into ${source.name} instead.`,
    );
  const targetIds = new Set(target.identities.map(identityKey));
  const added: CustomerMerge['added'] = {
    phones: source.phones.filter((p) => !target.phones.includes(p)),
    emails: source.emails.filter((e) => !target.emails.includes(e)),
    identities: source.identities.filter((i) => !targetIds.has(identityKey(i))),
    fields: {},
    customFields: {},
  };
  for (const f of MERGE_TEXT_FIELDS) if (!target[f] && source[f]) added.fields[f] = source[f];
  for (const [k, v] of Object.entries(source.customFields))
    if (!(k in target.customFields)) added.customFields[k] = v;

  const targetWrites: Partial<CustomerData> = { ...added.fields };
  if (added.phones.length) targetWrites.phones = [...target.phones, ...added.phones];
  if (added.emails.length) targetWrites.emails = [...target.emails, ...added.emails];
  if (added.identities.length) targetWrites.identities = [...target.identities, ...added.identities];
  if (Object.keys(added.customFields).length)
    targetWrites.customFields = { ...target.customFields, ...added.customFields };

  const merge: CustomerMerge = {
    targetId: a.targetId,
    at: a.at,
    by: a.by,
    phones: source.phones,
    emails: source.emails,
    identities: source.identities,
    added,
    conversations: a.conversations,
  };
  return {
    target: targetWrites,
    source: { phones: [], emails: [], identities: [], mergedInto: a.targetId, merge },
    merge,
  };
}

/**
 * Undoes a merge: the source gets its phones, emails and identities back and is a profile of its
 * own again; the target loses what the merge added unless it was changed since (an edit made
 * after the merge wins). Conversations the merge moved go back (the relay does that, for the ones
 * still on the target).
 */
export function planUnmerge(a: { source: CustomerData; target: CustomerData | null }): MergeWrites & {
  merge: CustomerMerge;
} {
  const m = a.source.merge;
  if (!a.source.mergedInto || !m)
    throw new CustomerMergeError('notMerged', `${a.source.name} is not merged into another profile.`);
  const source: Partial<CustomerData> = {
    phones: m.phones,
    emails: m.emails,
    identities: m.identities,
    mergedInto: null,
    merge: null,
  };
  const t = a.target;
  if (!t) return { source, target: {}, merge: m };
  const target: Partial<CustomerData> = {};
  const addedIds = new Set(m.added.identities.map(identityKey));
  if (m.added.phones.some((p) => t.phones.includes(p)))
    target.phones = t.phones.filter((p) => !m.added.phones.includes(p));
  if (m.added.emails.some((e) => t.emails.includes(e)))
    target.emails = t.emails.filter((e) => !m.added.emails.includes(e));
  if (t.identities.some((i) => addedIds.has(identityKey(i))))
    target.identities = t.identities.filter((i) => !addedIds.has(identityKey(i)));
  for (const f of MERGE_TEXT_FIELDS)
    if (m.added.fields[f] !== undefined && t[f] === m.added.fields[f]) target[f] = '';
  const kept = Object.entries(t.customFields).filter(([k, v]) => m.added.customFields[k] !== v);
  if (kept.length !== Object.keys(t.customFields).length) target.customFields = Object.fromEntries(kept);
  return { source, target, merge: m };
}
