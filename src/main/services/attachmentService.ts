import type { CallArgs, CallResult } from '../../shared/api';
import { LOCAL_ERR, LocalError } from '../base/errors';
import type { LocalStore } from '../store/localStore';
import { notFound } from './notFound';
import { answerOf, refusalOf, type RelayFetch } from './relayRequests';
import { RELAY_ROUTES as R, routePath, type RouteResponse } from '../../shared/relayRoutes';

type Upload = { conversationId: string; parts: Buffer[]; size: number; at: number };

export type AttachmentOptions = {
  store: () => LocalStore;
  relay: RelayFetch;
  /** An upload whose next part does not come within this time is forgotten. Default 10 minutes. */
  uploadIdleMs?: number;
  /** The most main holds of one upload; the relay has the real limit (10 MiB by default). Default 100 MiB. */
  maxUploadBytes?: number;
};

/**
 * Files on messages: those the agent sends a web chat visitor (handed over in parts, sent to the
 * relay when the last arrives) and those the agent opens (fetched from the relay with the agent's
 * token). Both need the network; the relay checks type, size and visibility.
 */
export class AttachmentService {
  /** Files on their way to a web chat visitor, by upload id, until their last part arrives. */
  private readonly uploads = new Map<string, Upload>();
  private readonly idleMs: number;
  private readonly maxBytes: number;

  constructor(private readonly o: AttachmentOptions) {
    this.idleMs = o.uploadIdleMs ?? 10 * 60_000;
    this.maxBytes = o.maxUploadBytes ?? 100 * 1024 * 1024;
  }

  /** Takes one part of a file; the part with `done` sends the whole file and answers its message id. */
  async send(a: CallArgs<'messages:sendAttachment'>): Promise<CallResult<'messages:sendAttachment'>> {
    const { conversationId, uploadId, name, part, done } = a;
    for (const [k, u] of this.uploads) if (Date.now() - u.at > this.idleMs) this.uploads.delete(k);
    if (!this.o.store().conversation(conversationId)) throw notFound('This conversation');
    const u = this.uploads.get(uploadId) ?? { conversationId, parts: [], size: 0, at: Date.now() };
    if (u.conversationId !== conversationId) throw notFound('This upload');
    const bytes = Buffer.from(part, 'base64');
    u.parts.push(bytes);
    u.size += bytes.length;
    u.at = Date.now();
    if (u.size > this.maxBytes) {
      this.uploads.delete(uploadId);
      throw new LocalError(LOCAL_ERR.INVALID_MUTATION, 'This file is too large to send.');
    }
    this.uploads.set(uploadId, u);
    if (!done) return { messageId: null };
    this.uploads.delete(uploadId);
    const res = await this.o.relay(
      routePath(R.uploadAttachment, {}, `conversationId=${encodeURIComponent(conversationId)}`),
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
        body: Buffer.concat(u.parts),
      },
    );
    const body = await answerOf<{ messageId?: string }>(res);
    if (!res.ok || !body?.messageId) throw refusalOf(res.status, body);
    return { messageId: body.messageId };
  }

  /** A file on a message this agent's cache holds, fetched from the relay (which checks visibility again). */
  async get({
    conversationId,
    attachmentId,
  }: CallArgs<'messages:getAttachment'>): Promise<CallResult<'messages:getAttachment'>> {
    const a = this.o
      .store()
      .messages(conversationId)
      .flatMap((m) => m.attachments ?? [])
      .find((x) => x.id === attachmentId);
    if (!a) throw notFound('This file');
    const res = await this.o.relay(routePath(R.attachment, { attachmentId: a.id }), {}, 60_000);
    if (!res.ok) throw refusalOf(res.status, await answerOf(res));
    const bytes = Buffer.from(await res.arrayBuffer());
    return { name: a.name, type: a.type, size: bytes.length, base64: bytes.toString('base64') };
  }

  /**
   * A mail's remote images, which the agent allowed for this message: the relay fetches them (the
   * sender's server sees the relay, not this machine) and main hands them on as data: URLs.
   */
  async remoteImages({
    messageId,
  }: CallArgs<'messages:remoteImages'>): Promise<CallResult<'messages:remoteImages'>> {
    const m = this.o.store().record('message', messageId);
    if (!m || m.deleted) throw notFound('This message');
    const res = await this.o.relay(routePath(R.remoteImages, { messageId }), {}, 60_000);
    const answer = await answerOf<RouteResponse<typeof R.remoteImages>>(res);
    if (!res.ok || !answer) throw refusalOf(res.status, answer);
    const images: Record<string, string> = {};
    const failed: { url: string; error: string }[] = [];
    for (const i of answer.images) {
      if ('dataUrl' in i && i.dataUrl.startsWith('data:image/')) images[i.url] = i.dataUrl;
      else failed.push({ url: i.url, error: 'error' in i ? i.error : 'not an image' });
    }
    return { images, failed };
  }
}
