import parsePhoneNumber from 'libphonenumber-js/max';
import { CustomerMergeError, planMerge, planUnmerge } from '../customerMerge';
import { emptyCustomerFields, type CustomerData } from '../entities';
import type { MutationArgs } from '../mutations';
import { RELAY_ERR } from '../protocol';
import { SyncRefusal } from '../refusal';
import { live, recordKey, wallIso, type BuildContext } from './context';
import type { RecordWrite } from './writes';

/** Normalizes phones to E.164 and emails to lower case (deduplicated); refuses a bad number (VALIDATION). */
export function normalizeCustomerFields(f: {
  [K in keyof CustomerData]?: CustomerData[K] | undefined;
}): Partial<CustomerData> {
  const out = Object.fromEntries(
    Object.entries(f).filter(([, v]) => v !== undefined),
  ) as Partial<CustomerData>;
  if (f.phones) {
    out.phones = [
      ...new Set(
        f.phones.map((p, i) => {
          const n = parsePhoneNumber(p);
          if (!n?.isValid())
            throw new SyncRefusal(
              RELAY_ERR.VALIDATION,
              `phones.${i}: "${p}" is not a valid international phone number.`,
            );
          return n.number;
        }),
      ),
    ];
  }
  if (f.emails) out.emails = [...new Set(f.emails.map((e) => e.trim().toLowerCase()))];
  return out;
}

const customerWrite = (id: string, fields: Partial<CustomerData>, ctx: BuildContext): RecordWrite => ({
  kind: 'fields',
  key: recordKey('customer', id),
  convId: null,
  fields,
  clock: ctx.clock,
});

/** A new profile: every field, the empty ones too, so later edits merge field by field. */
export function buildCustomerCreate(a: MutationArgs<'customer.create'>, ctx: BuildContext): RecordWrite[] {
  const fields: CustomerData = {
    name: a.fields.name,
    ...emptyCustomerFields(),
    createdAt: wallIso(ctx.clock),
    ...normalizeCustomerFields(a.fields),
  };
  return [customerWrite(a.id, fields, ctx)];
}

/** An edit; nothing for a profile not held (the relay refuses that as NOT_FOUND first). */
export function buildCustomerUpdate(a: MutationArgs<'customer.update'>, ctx: BuildContext): RecordWrite[] {
  const fields = normalizeCustomerFields(a.fields);
  if (!live(ctx, recordKey('customer', a.id))) return [];
  return [customerWrite(a.id, fields, ctx)];
}

function refusedMerge(err: unknown): never {
  if (err instanceof CustomerMergeError) throw new SyncRefusal(RELAY_ERR.CONFLICT, err.message);
  throw err;
}

/**
 * Merges the source profile into the target (customerMerge.ts) and moves `conversations` to the
 * target with the merge's clock. Input `conversations`: the source's conversations the caller may
 * see, by id (the relay's visible ones; an app's, the ones it holds). Refuses an impossible merge
 * (CONFLICT).
 */
export function buildCustomerMerge(
  a: MutationArgs<'customer.merge'>,
  ctx: BuildContext,
  input: { conversations: string[] },
): RecordWrite[] {
  const source = live(ctx, recordKey('customer', a.sourceId));
  const target = live(ctx, recordKey('customer', a.targetId));
  if (!source || !target) return [];
  let plan: ReturnType<typeof planMerge>;
  try {
    plan = planMerge({
      sourceId: a.sourceId,
      source: source.data as CustomerData,
      targetId: a.targetId,
      target: target.data as CustomerData,
      at: wallIso(ctx.clock),
      by: ctx.agentId,
      conversations: input.conversations,
    });
  } catch (err) {
    refusedMerge(err);
  }
  const writes: RecordWrite[] = [];
  if (Object.keys(plan.target).length) writes.push(customerWrite(a.targetId, plan.target, ctx));
  writes.push(customerWrite(a.sourceId, plan.source, ctx));
  return [...writes, ...moves(input.conversations, a.targetId, ctx)];
}

/**
 * Undoes a merge: the profiles as planUnmerge says, and the conversations the merge moved that are
 * still on the target go back to the source. Refuses when the source is not merged (CONFLICT).
 */
export function buildCustomerUnmerge(a: MutationArgs<'customer.unmerge'>, ctx: BuildContext): RecordWrite[] {
  const source = live(ctx, recordKey('customer', a.sourceId));
  if (!source) return [];
  const data = source.data as CustomerData;
  const targetId = data.mergedInto ?? null;
  if (targetId && targetId !== a.targetId)
    throw new SyncRefusal(
      RELAY_ERR.CONFLICT,
      `${data.name} is merged into another profile than the one named.`,
    );
  const target = targetId ? live(ctx, recordKey('customer', targetId)) : null;
  let plan: ReturnType<typeof planUnmerge>;
  try {
    plan = planUnmerge({ source: data, target: (target?.data as CustomerData | undefined) ?? null });
  } catch (err) {
    refusedMerge(err);
  }
  const writes: RecordWrite[] = [];
  if (target && targetId && Object.keys(plan.target).length)
    writes.push(customerWrite(targetId, plan.target, ctx));
  writes.push(customerWrite(a.sourceId, plan.source, ctx));
  // Only the conversations still on the target go back: one moved elsewhere since stays there.
  const back = plan.merge.conversations.filter(
    (id) => live(ctx, recordKey('conversation', id))?.data['customerId'] === targetId,
  );
  return [...writes, ...moves(back, a.sourceId, ctx)];
}

/** Moves conversations to another customer, with the clock of the merge or undo. */
function moves(ids: readonly string[], customerId: string, ctx: BuildContext): RecordWrite[] {
  return ids.map((id) => ({
    kind: 'fields',
    key: recordKey('conversation', id),
    convId: id,
    fields: { customerId },
    clock: ctx.clock,
  }));
}
