/**
 * Files in the chat: the visitor's files waiting to be sent (uploaded one at a time as they are
 * chosen, checked against the relay's limits first, then by the relay), and the download buttons
 * on messages. File names are shown as text; a name made of markup stays that markup, literally.
 */
import type { WidgetContext } from './context';
import { el } from './dom';
import type { AttachmentMeta, RefusalBody, WidgetConfig } from './frames';
import { downloadAttachment, uploadAttachment } from './relayApi';
import { sizeText, type Translate } from './strings';

/** How long a downloaded file's object URL lives after the click starts the download. */
const REVOKE_AFTER_MS = 60_000;

/** What the visitor reads when the relay refused a file: why, and what to do instead. */
export function refusalText(
  tr: Translate,
  config: WidgetConfig,
  body: RefusalBody,
  fileName: string,
  httpStatus: number,
): string {
  const reason = body?.error?.reason;
  if (reason === 'too-large' || httpStatus === 413)
    return tr('tooLarge', { name: fileName, size: sizeText(config.attachments.maxBytes) });
  if (reason === 'type' || httpStatus === 415) return tr('badType', { name: fileName });
  if (reason === 'too-many') return tr('tooMany', config.attachments.maxFiles);
  if (reason === 'empty') return tr('emptyFile', { name: fileName });
  if (httpStatus === 401) return tr('ended');
  return tr('uploadFailed', { name: fileName });
}

/** The label of a file: its name and size. */
export function fileLabel(a: AttachmentMeta): string {
  return `📎 ${a.name} · ${sizeText(a.size)}`;
}

/** The files waiting to be sent with the next message. */
type Pending = { ctx: WidgetContext; files: AttachmentMeta[] };

export type Attachments = ReturnType<typeof createAttachments>;

/** The pending files of the composer and the download buttons of one widget. */
export function createAttachments(ctx: WidgetContext) {
  const p: Pending = { ctx, files: [] };
  return {
    /** Uploads the chosen files in turn; a file over the count limit stops the rest. */
    async upload(files: File[]): Promise<void> {
      for (const file of files) if (!(await uploadOne(p, file))) return;
    },
    /** The ids of the files to send with a message; the list empties. */
    take(): string[] {
      const ids = p.files.map((a) => a.id);
      p.files = [];
      renderPending(p);
      return ids;
    },
    hasPending: () => p.files.length > 0,
    /** A message's file: a button that downloads it, named by file name and size. */
    fileButton(a: AttachmentMeta): HTMLButtonElement {
      const label = ctx.tr('download', { name: a.name, size: sizeText(a.size) });
      const b = el('button', { type: 'button', 'aria-label': label }, fileLabel(a));
      b.className = 'file';
      b.addEventListener('click', () => download(ctx, a));
      return b;
    },
  };
}

/** Redraws the list of files to send, each with a button that removes it. */
function renderPending(p: Pending): void {
  const { dom, tr } = p.ctx;
  while (dom.pendingList.firstChild) dom.pendingList.removeChild(dom.pendingList.firstChild);
  for (const a of p.files) {
    const li = el('li', null, fileLabel(a));
    const rm = el('button', { type: 'button', 'aria-label': tr('remove', { name: a.name }) }, '×');
    rm.className = 'plain';
    rm.addEventListener('click', () => {
      p.files = p.files.filter((f) => f !== a);
      renderPending(p);
    });
    li.appendChild(rm);
    dom.pendingList.appendChild(li);
  }
}

/** Uploads one file; true to go on with the next chosen file. */
async function uploadOne(p: Pending, file: File): Promise<boolean> {
  const { ctx } = p;
  const { dom, tr } = ctx;
  const { maxBytes, maxFiles } = ctx.config.attachments;
  if (p.files.length >= maxFiles) {
    dom.alertBox.textContent = tr('tooMany', maxFiles);
    return false;
  }
  if (file.size > maxBytes) {
    dom.alertBox.textContent = tr('tooLarge', { name: file.name, size: sizeText(maxBytes) });
    return true;
  }
  const uploading = tr('uploading', { name: file.name });
  dom.status.textContent = uploading;
  let r;
  try {
    r = await uploadAttachment(ctx.base, ctx.session.token ?? '', file);
  } catch {
    dom.status.textContent = '';
    dom.alertBox.textContent = tr('uploadFailed', { name: file.name });
    return true;
  }
  if (dom.status.textContent === uploading) dom.status.textContent = '';
  if (!r.ok) dom.alertBox.textContent = refusalText(tr, ctx.config, r.body, file.name, r.status);
  else {
    p.files.push(r.body.attachment);
    renderPending(p);
  }
  return true;
}

/** Saves a file of the conversation through a temporary link (the relay wants the visitor's token). */
function download(ctx: WidgetContext, a: AttachmentMeta): void {
  downloadAttachment(ctx.base, ctx.session.token ?? '', a.id)
    .then((blob) => {
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: a.name });
      ctx.dom.root.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
    })
    .catch(() => {
      ctx.dom.alertBox.textContent = ctx.tr('downloadFailed', { name: a.name });
    });
}
