import type { CallArgs, CallResult } from '../../shared/api';
import { definedOnly } from '../../shared/objects';
import { CustomerMergeError, planMerge } from '../../shared/sync/customerMerge';
import type { CustomerView } from '../../shared/views';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { callsOfCustomer, profileConversations } from '../store/calls';
import { getCustomer, mergedInto } from '../store/customers';
import type { Db } from '../store/statements';
import type { LocalStore } from '../store/localStore';
import { notFound } from './notFound';

/**
 * Customers' profiles: read from the cache, changed as mutations (offline too). Merge and unmerge
 * are checked here first, with the rules the relay applies, so a refusal is said at once.
 */
export class CustomerService {
  constructor(private readonly store: () => LocalStore) {}

  list(a: CallArgs<'customers:list'>): CustomerView[] {
    return this.store().customers(definedOnly(a));
  }

  /** A profile with its conversations, field history, calls and merges. */
  get(id: string): CallResult<'customers:get'> {
    const s = this.store();
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
  }

  create({ fields }: CallArgs<'customers:create'>): CustomerView {
    const s = this.store();
    const id = s.newId();
    s.mutate('customer.create', { id, fields });
    return s.customer(id)!;
  }

  update({ id, fields }: CallArgs<'customers:update'>): CustomerView {
    const s = this.store();
    s.mutate('customer.update', { id, fields });
    const c = s.customer(id);
    if (!c) throw notFound('This customer');
    return c;
  }

  /** Merges the source profile into the target (the same person); answers the target. */
  merge({ sourceId, targetId }: CallArgs<'customers:merge'>): CustomerView {
    const s = this.store();
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
  }

  /** Undoes the merge of this profile into another; answers it, a profile of its own again. */
  unmerge(sourceId: string): CustomerView {
    const s = this.store();
    const source = s.customer(sourceId);
    if (!source) throw notFound('This customer');
    if (!source.mergedInto)
      throw new LocalError(LOCAL_ERR.INVALID_MUTATION, `${source.name} is not merged into another profile.`);
    s.mutate('customer.unmerge', { sourceId, targetId: source.mergedInto });
    return s.customer(sourceId)!;
  }
}

/** The profile a merged one now lives in, by name (null when not merged or not in the cache). */
function mergeTarget(db: Db, id: string | null | undefined): { id: string; name: string } | null {
  if (!id) return null;
  const c = getCustomer(db, id);
  return c ? { id: c.id, name: c.name } : null;
}
