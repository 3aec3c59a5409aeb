import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { MessageAttachment } from '../../../shared/sync/entities';
import { RELAY_ERR } from '../../../shared/sync/protocol';
import { RelayError } from '../../core/errors';
import { readBody } from '../../http/reply';

/** File types a visitor may attach, by the MIME type their content is sniffed as. */
export const ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** Limits of web chat attachments; every one has a default. */
export type AttachmentOptions = {
  /** Largest file, in bytes. Default 10 MiB. */
  maxBytes?: number;
  /** Files on one message, and files uploaded but not yet sent. Default 5. */
  maxFiles?: number;
  /** Files uploaded and never sent are deleted after this long. Default 24 h. */
  unsentTtlMs?: number;
  /** Types accepted (a subset of ATTACHMENT_TYPES). Default all of them. */
  types?: AttachmentType[];
};

export type ResolvedAttachmentOptions = Required<AttachmentOptions>;

/** Fills the attachment limits with their documented defaults. */
export function resolveAttachmentOptions(o: AttachmentOptions | undefined): ResolvedAttachmentOptions {
  return {
    maxBytes: o?.maxBytes ?? 10 * 1024 * 1024,
    maxFiles: o?.maxFiles ?? 5,
    unsentTtlMs: o?.unsentTtlMs ?? 24 * 3600_000,
    types: o?.types ?? [...ATTACHMENT_TYPES],
  };
}

/** Why an upload was refused, for the widget to explain in the visitor's language. */
export type RefusalReason = 'too-large' | 'type' | 'too-many' | 'empty';

/** An expected refusal of an upload, with the reason the widget turns into a sentence. */
export class AttachmentRefused extends RelayError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    status: number,
  ) {
    super(reason === 'too-large' ? RELAY_ERR.TOO_LARGE : RELAY_ERR.VALIDATION, message, status);
  }
}

const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'text', 'log', 'csv', 'md'],
};

const startsWith = (b: Buffer, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

/**
 * The type a file's bytes are, by their magic numbers (text: valid UTF-8 with no control
 * characters but tab, line breaks and form feed); null for anything else. The name plays no part.
 */
export function sniffType(b: Buffer): AttachmentType | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a')
    return 'image/gif';
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'image/webp';
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.length > 0 && isPlainText(b)) return 'text/plain';
  return null;
}

function isPlainText(b: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- exactly the control characters are the point
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

const MAX_NAME = 200;

/**
 * A file name safe to store and show: the last path segment only, no control or bidi-override
 * characters, no leading dots, at most 200 characters (keeping the extension); "file" when
 * nothing is left. Markup stays as it is: names are always shown as text, never parsed.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize('NFC');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '');
  name = name
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '');
  const chars = [...name];
  if (chars.length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? [...name.slice(dot)] : [];
    const keep = ext.length > 0 && ext.length <= 12 ? ext : [];
    name = chars.slice(0, MAX_NAME - keep.length).join('') + keep.join('');
  }
  return name || 'file';
}

/** What the relay keeps beside each stored file. */
export type AttachmentMeta = MessageAttachment & {
  customerId: string;
  inboxId: string;
  createdAt: string;
  /** The message that carries it, once sent. */
  messageId?: string;
};

const ID_RE = /^[0-9a-f]{32}$/;

/** The store's folder, limits and clock, and the uploads waiting to be sent, by customer. */
type Files = {
  dir: string;
  o: ResolvedAttachmentOptions;
  now: () => number;
  /** Uploaded and not yet sent, by customer: at most `maxFiles` wait at once. */
  pending: Map<string, Set<string>>;
};
type Owner = { customerId: string; inboxId: string };

const sizeText = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
const tooLarge = (o: ResolvedAttachmentOptions) =>
  new AttachmentRefused('too-large', `Files can be at most ${sizeText(o.maxBytes)}.`, 413);

function meta(f: Files, id: string): AttachmentMeta | null {
  if (!ID_RE.test(id)) return null;
  try {
    return JSON.parse(readFileSync(join(f.dir, `${id}.json`), 'utf8')) as AttachmentMeta;
  } catch {
    return null;
  }
}

function writeMeta(f: Files, m: AttachmentMeta): void {
  const tmp = join(f.dir, `${m.id}.json.tmp`);
  writeFileSync(tmp, JSON.stringify(m), { mode: 0o600 });
  renameSync(tmp, join(f.dir, `${m.id}.json`));
}

/** Keeps bytes as a file when they are within the limits and of an allowed (sniffed) type. */
function store(f: Files, bytes: Buffer, owner: Owner, rawName: string): AttachmentMeta {
  const { o } = f;
  if (bytes.length > o.maxBytes) throw tooLarge(o);
  const size = bytes.length;
  if (size === 0) throw new AttachmentRefused('empty', 'The file is empty.', 422);
  const type = sniffType(bytes);
  const name = sanitizeFileName(rawName);
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  // The bytes decide the type; a name claiming another type (a PDF named .png) is refused too.
  if (!type || !o.types.includes(type) || (ext !== '' && !EXTENSIONS[type].includes(ext)))
    throw new AttachmentRefused(
      'type',
      'This kind of file cannot be attached: send an image (PNG, JPEG, GIF, WebP), a PDF or a text file.',
      415,
    );
  const id = randomBytes(16).toString('hex');
  writeFileSync(join(f.dir, id), bytes, { mode: 0o600 });
  const m: AttachmentMeta = {
    id,
    name,
    size,
    type,
    customerId: owner.customerId,
    inboxId: owner.inboxId,
    createdAt: new Date(f.now()).toISOString(),
  };
  writeMeta(f, m);
  return m;
}

/** Reads a request body as one file; a visitor's upload waits to be sent (`waits`). */
async function upload(f: Files, req: IncomingMessage, owner: Owner, rawName: string, waits: boolean) {
  const { o } = f;
  const waiting = f.pending.get(owner.customerId) ?? new Set<string>();
  if (waits && waiting.size >= o.maxFiles)
    throw new AttachmentRefused('too-many', `At most ${o.maxFiles} files can be attached at once.`, 422);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > o.maxBytes) throw tooLarge(o);
  const bytes = await readBody(req, o.maxBytes, () => tooLarge(o));
  const m = store(f, bytes, owner, rawName);
  if (waits) {
    waiting.add(m.id);
    f.pending.set(owner.customerId, waiting);
  }
  return { id: m.id, name: m.name, size: m.size, type: m.type } satisfies MessageAttachment;
}

/** Deletes files uploaded and never sent, older than `unsentTtlMs`; returns how many. */
function sweep(f: Files): number {
  let n = 0;
  const before = new Date(f.now() - f.o.unsentTtlMs).toISOString();
  for (const file of readdirSync(f.dir)) {
    const id = file.endsWith('.json') ? file.slice(0, -5) : '';
    const m = meta(f, id);
    if (!m || m.messageId || m.createdAt >= before) continue;
    rmSync(join(f.dir, id), { force: true });
    rmSync(join(f.dir, file), { force: true });
    for (const waiting of f.pending.values()) waiting.delete(id);
    n++;
  }
  return n;
}

/** The visitor's own uploads, not yet sent; refuses ids that are not theirs, already sent, or too many. */
function claim(f: Files, ids: readonly string[], owner: Owner): AttachmentMeta[] {
  if (ids.length > f.o.maxFiles)
    throw new AttachmentRefused('too-many', `At most ${f.o.maxFiles} files can go on one message.`, 422);
  const out: AttachmentMeta[] = [];
  for (const id of new Set(ids)) {
    const m = meta(f, id);
    if (!m || m.customerId !== owner.customerId || m.inboxId !== owner.inboxId || m.messageId)
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'That file is not yours to send.');
    out.push(m);
  }
  return out;
}

/** Sends a file with headers that keep a browser from running it (see `serve` below). */
function serve(f: Files, res: ServerResponse, m: AttachmentMeta, headers: Record<string, string>): void {
  const inline = m.type.startsWith('image/');
  const ascii = m.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res
    .writeHead(200, {
      ...headers,
      'content-type': m.type === 'text/plain' ? 'text/plain; charset=utf-8' : m.type,
      'content-length': String(m.size),
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(m.name)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    })
    .end(readFileSync(join(f.dir, m.id)));
}

/**
 * Attachment files under `<dataDir>/attachments/<random id>` with a `<id>.json` beside each (never
 * in the change log): upload with limits and content sniffing, look-up, and the download response.
 */
export function createAttachmentStore(dataDir: string, o: ResolvedAttachmentOptions, now: () => number) {
  const f: Files = { dir: join(dataDir, 'attachments'), o, now, pending: new Map() };
  mkdirSync(f.dir, { recursive: true, mode: 0o700 });

  return {
    options: o,
    /**
     * Reads a request body as one file, refusing it past the size limit or when its type is not
     * allowed. A visitor's upload waits to be sent (at most `maxFiles` at once); an agent's is sent
     * at once (`waits` false).
     */
    upload: (req: IncomingMessage, owner: Owner, rawName: string, waits = true) =>
      upload(f, req, owner, rawName, waits),
    /**
     * Keeps bytes a channel already holds (an email's attachment) under the same limits and
     * sniffing as uploads; throws AttachmentRefused when they are too large, empty or not allowed.
     */
    store: (bytes: Buffer, owner: Owner, rawName: string): AttachmentMeta => store(f, bytes, owner, rawName),
    meta: (id: string): AttachmentMeta | null => meta(f, id),
    /** Deletes files uploaded and never sent, older than `unsentTtlMs`; returns how many. */
    sweep: (): number => sweep(f),
    /**
     * The visitor's own uploads, not yet sent, for a message; refuses ids that are not theirs,
     * already sent, or too many.
     */
    claim: (ids: readonly string[], owner: Owner): AttachmentMeta[] => claim(f, ids, owner),
    /** Records which message carries the files, so agents who may see it may download them. */
    bind(list: readonly AttachmentMeta[], messageId: string): void {
      for (const m of list) {
        writeMeta(f, { ...m, messageId });
        f.pending.get(m.customerId)?.delete(m.id);
      }
    },
    /** A stored file's bytes (an agent's file going out on another channel, e.g. attached to a mail). */
    bytes: (m: AttachmentMeta): Buffer => readFileSync(join(f.dir, m.id)),
    /**
     * Sends the file with headers that keep a browser from running it: its sniffed type, `nosniff`,
     * a CSP that allows nothing, and `Content-Disposition: attachment` for everything but images.
     */
    serve: (res: ServerResponse, m: AttachmentMeta, headers: Record<string, string> = {}): void =>
      serve(f, res, m, headers),
  };
}

export type AttachmentStore = ReturnType<typeof createAttachmentStore>;
