/**
 * The relay's HTTP routes the widget calls (`/v1/widget/*`), each one fetch. Answers are returned
 * as they came (status and parsed body); the callers decide what the visitor reads.
 */
import type { AttachmentMeta, RefusalBody, WidgetConfig } from './frames';

/** An answer of the relay: its status and JSON body (null when the body was not JSON). */
export type Answer<T> =
  { ok: true; status: number; body: T } | { ok: false; status: number; body: RefusalBody };

/** What the pre-chat form sends; `userId`/`userHash` only when the page signs its visitor. */
export type SessionRequest = {
  inboxId: string;
  name: string;
  email: string;
  phone: string;
  userId?: string;
  userHash?: string;
};

/** What the offline form sends. */
export type OfflineRequest = { inboxId: string; name: string; email: string; message: string };

/** The inbox's limits and whether an agent is there, or null when the relay refused. */
export async function fetchConfig(base: string, inbox: string): Promise<WidgetConfig | null> {
  const r = await fetch(`${base}/v1/widget/config?inbox=${encodeURIComponent(inbox)}`);
  return r.ok ? ((await r.json()) as WidgetConfig) : null;
}

/** Starts a visitor session; a body that is not JSON rejects, as a network failure does. */
export async function startSession(base: string, body: SessionRequest): Promise<Answer<{ token: string }>> {
  return postJson(`${base}/v1/widget/sessions`, body);
}

/** Leaves a message for later when no agent is there. */
export async function leaveOfflineMessage(
  base: string,
  body: OfflineRequest,
): Promise<Answer<{ replyWithinHours: number }>> {
  return postJson(`${base}/v1/widget/offline`, body);
}

/** Uploads one file; its name travels URI-encoded in `x-file-name`. An unreadable body is null. */
export async function uploadAttachment(
  base: string,
  token: string,
  file: File,
): Promise<Answer<{ attachment: AttachmentMeta }>> {
  const r = await fetch(`${base}/v1/widget/attachments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'x-file-name': encodeURIComponent(file.name),
    },
    body: file,
  });
  const body: unknown = await r.json().catch(() => null);
  return answer(r, body);
}

/** Downloads a file of the conversation; rejects when the relay refuses. */
export async function downloadAttachment(base: string, token: string, id: string): Promise<Blob> {
  const r = await fetch(`${base}/v1/widget/attachments/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!r.ok) throw new Error('download');
  return r.blob();
}

async function postJson<T>(url: string, body: unknown): Promise<Answer<T>> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answer(r, await r.json());
}

function answer<T>(r: Response, body: unknown): Answer<T> {
  return r.ok
    ? { ok: true, status: r.status, body: body as T }
    : { ok: false, status: r.status, body: body as RefusalBody };
}
