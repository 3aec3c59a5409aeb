import type { MutationArgs, MutationName } from '../mutations';
import type { BuildContext } from './context';
import {
  buildConversationCreate,
  buildConversationSetStatus,
  buildConversationTransfer,
  buildLabelChange,
} from './conversation';
import {
  buildCustomerCreate,
  buildCustomerMerge,
  buildCustomerUnmerge,
  buildCustomerUpdate,
} from './customer';
import { buildCallEvent, buildCallLog, buildMessageSend, buildNoteAdd } from './thread';
import type { RecordWrite } from './writes';

export { applyWrite, type AppliedWrite, type RecordKey, type RecordState, type RecordWrite } from './writes';
export { recordKey, wallIso, type BuildContext } from './context';
export { normalizeCustomerFields } from './customer';

/**
 * What a mutation needs beyond its arguments and the records: facts the relay decides (from its
 * accounts and visibility) and an app looks up in what it holds, or passes as documented.
 */
export type BuildInputs = {
  'conversation.create': { teamId: string; inboxId: string | null; assigneeId: string | null };
  'conversation.transfer': { inboxId: string | null };
  'customer.merge': { conversations: string[] };
};
export type BuildInput<N extends MutationName> = N extends keyof BuildInputs ? BuildInputs[N] : undefined;

/**
 * What record(s) a mutation makes: the one place this is written, called by the app's optimistic
 * apply (main/store/mutators.ts) and the relay's authoritative one (relay/sync/mutate.ts). Pure: it
 * reads through `ctx.read` and returns writes for the caller to apply (records/writes.ts).
 * Throws SyncRefusal when the arguments break a domain rule; writes nothing for a record it needs
 * and does not find (the relay refuses those before building, with its own answer).
 */
export function buildRecords<N extends MutationName>(
  name: N,
  args: MutationArgs<N>,
  ctx: BuildContext,
  input: BuildInput<N>,
): RecordWrite[] {
  const a = args as MutationArgs<MutationName>;
  const i = input as BuildInputs[keyof BuildInputs] | undefined;
  switch (name as MutationName) {
    case 'customer.create':
      return buildCustomerCreate(a as MutationArgs<'customer.create'>, ctx);
    case 'customer.update':
      return buildCustomerUpdate(a as MutationArgs<'customer.update'>, ctx);
    case 'customer.merge':
      return buildCustomerMerge(a as MutationArgs<'customer.merge'>, ctx, i as BuildInputs['customer.merge']);
    case 'customer.unmerge':
      return buildCustomerUnmerge(a as MutationArgs<'customer.unmerge'>, ctx);
    case 'conversation.create':
      return buildConversationCreate(
        a as MutationArgs<'conversation.create'>,
        ctx,
        i as BuildInputs['conversation.create'],
      );
    case 'conversation.transfer':
      return buildConversationTransfer(
        a as MutationArgs<'conversation.transfer'>,
        ctx,
        i as BuildInputs['conversation.transfer'],
      );
    case 'conversation.setStatus':
      return buildConversationSetStatus(a as MutationArgs<'conversation.setStatus'>, ctx);
    case 'conversation.addLabel':
      return buildLabelChange('add', a as MutationArgs<'conversation.addLabel'>, ctx);
    case 'conversation.removeLabel':
      return buildLabelChange('remove', a as MutationArgs<'conversation.removeLabel'>, ctx);
    case 'message.send':
      return buildMessageSend(a as MutationArgs<'message.send'>, ctx);
    case 'note.add':
      return buildNoteAdd(a as MutationArgs<'note.add'>, ctx);
    case 'call.log':
      return buildCallLog(a as MutationArgs<'call.log'>, ctx);
    case 'call.event':
      return buildCallEvent(a as MutationArgs<'call.event'>, ctx);
    default: {
      const never: never = name as never;
      throw new Error(`no record builder for ${String(never)}`);
    }
  }
}
