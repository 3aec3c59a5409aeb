import { RELAY_ERR } from '../../../shared/sync/protocol';
import { uuidv7 } from '../../../shared/sync/ids';
import { RelayError } from '../../core/errors';
import { raiseLastMessageAtAsync } from '../../data/records';
import type { WriteMeta } from '../../data/store';
import type { AttachmentMeta } from './attachments';
import type { WebchatContext } from './context';

// The glue between the attachment store and conversations: an agent's file sent to the visitor,
// and the sweep of files visitors uploaded and never sent.

/** An agent's file goes to the visitor as the agent's message, appended as message.send does. */
export async function sendAgentFile(
  ctx: WebchatContext,
  agentId: string,
  conversationId: string,
  file: AttachmentMeta,
): Promise<string> {
  const { d } = ctx;
  const id = uuidv7(d.now());
  const at = new Date(d.now()).toISOString();
  const meta: WriteMeta = { mutationId: null, agentId };
  await d.store.transaction(async (tx) => {
    const conv = await tx.get('conversation', conversationId);
    if (!conv) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no conversation ${conversationId}.`);
    await tx.put(
      {
        entity: 'message',
        id,
        data: {
          conversationId,
          customerId: conv.data['customerId'],
          direction: 'out',
          authorId: agentId,
          body: '',
          createdAt: at,
          attachments: [{ id: file.id, name: file.name, size: file.size, type: file.type }],
        },
        clocks: {},
        deleted: false,
        convId: conversationId,
      },
      meta,
    );
    await raiseLastMessageAtAsync(tx, d.relayClock, conv, at, at, meta);
  });
  ctx.files.bind([file], id);
  return id;
}

/** Deletes files a visitor uploaded and never sent (after a day); a failure is logged, never thrown. */
export function sweepUnsentFiles(ctx: WebchatContext): void {
  try {
    const n = ctx.files.sweep();
    if (n > 0) ctx.d.log.info({ files: n }, 'deleted web chat files never sent');
  } catch (err) {
    ctx.d.log.warn({ err }, 'web chat file sweep failed');
  }
}
