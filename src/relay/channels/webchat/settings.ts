import { createSealer } from '../../data/sealing';
import type { Logger } from '../../core/logger';
import type { WebchatData, WebchatSettingsRow } from '../../data/webchatData';
import type { WebchatInboxConfig, WebchatOptions } from './options';

/** Hours the offline form promises an answer within when neither the file nor an admin said. */
export const DEFAULT_OFFLINE_REPLY_HOURS = 24;

const KEY_FILE = 'webchat.key';

/** Where an effective setting comes from: an admin through the API, the settings file, or the default. */
export type WebchatSettingSource = 'api' | 'file' | 'default';

/** An inbox's web chat settings as admins see them: never the identity secret, only whether there is one. */
export type WebchatSettingsView = {
  inboxId: string;
  /** Exact origins allowed to embed the widget; empty: every origin. */
  allowedOrigins: string[];
  identitySecretSet: boolean;
  offlineReplyHours: number;
  source: {
    allowedOrigins: WebchatSettingSource;
    identitySecret: WebchatSettingSource;
    offlineReplyHours: WebchatSettingSource;
  };
  /** When an admin last changed them through the API (null: never). */
  updatedAt: string | null;
  updatedBy: string | null;
};

/** A change: a field left out keeps its value; `identitySecret: null` clears the secret. */
export type WebchatSettingsPatch = {
  allowedOrigins?: string[] | undefined;
  identitySecret?: string | null | undefined;
  offlineReplyHours?: number | undefined;
};

type Row = WebchatSettingsRow;

export type WebchatSettings = ReturnType<typeof createWebchatSettings>;

type Deps = {
  /** Where the settings admins set are kept (`webchat_settings`). */
  data: Pick<WebchatData, 'settings' | 'updateSettings' | 'removeSettings'>;
  dataDir: string;
  log: Logger;
  now: () => number;
  /** The settings file; default none. */
  file?: WebchatOptions;
};

/** The settings' deps, the file's inboxes and hours, the statements and the sealer. */
type S = {
  d: Deps;
  fileInboxes: NonNullable<WebchatOptions['inboxes']>;
  fileHours: number | undefined;
  sealer: ReturnType<typeof createSealer>;
};

const origins = (json: string) => JSON.parse(json) as string[];

/** The secret, or null when it cannot be opened (key file lost or replaced): fail closed. */
function open(s: S, inboxId: string, sealed: Buffer): string | null {
  try {
    return s.sealer.open(inboxId, sealed);
  } catch (err) {
    s.d.log.error(
      { err, inbox: inboxId },
      `web chat identity secret cannot be opened (is ${KEY_FILE} the one it was sealed with?); signed identities are refused until an admin sets it again`,
    );
    return null;
  }
}

/** Secret source, with "set" meaning a secret is in force (cleared by an admin beats the file). */
function secretOf(s: S, inboxId: string, r: Row | null) {
  if (r?.identity_secret) return { source: 'api' as const, sealed: r.identity_secret };
  if (r?.identity_secret_cleared) return { source: 'api' as const, sealed: null };
  const f = s.fileInboxes[inboxId]?.identitySecret;
  return f ? { source: 'file' as const, plain: f } : { source: 'default' as const, sealed: null };
}

/** What the widget enforces for an inbox: the database's fields over the file's. */
async function config(s: S, inboxId: string): Promise<WebchatInboxConfig> {
  const r = await s.d.data.settings(inboxId);
  const f = s.fileInboxes[inboxId];
  const c: WebchatInboxConfig = {};
  const allowed = r?.allowed_origins != null ? origins(r.allowed_origins) : f?.allowedOrigins;
  if (allowed) c.allowedOrigins = allowed;
  const sec = secretOf(s, inboxId, r);
  const secret = 'plain' in sec ? sec.plain : sec.sealed ? open(s, inboxId, sec.sealed) : null;
  if (secret) c.identitySecret = secret;
  const hours = r?.offline_reply_hours ?? f?.offlineReplyHours;
  if (hours !== undefined) c.offlineReplyHours = hours;
  return c;
}

/** The effective settings of an inbox, for admins: whether a secret is set, never the secret. */
async function view(s: S, inboxId: string): Promise<WebchatSettingsView> {
  const r = await s.d.data.settings(inboxId);
  const f = s.fileInboxes[inboxId];
  const sec = secretOf(s, inboxId, r);
  const hoursSource: WebchatSettingSource =
    r?.offline_reply_hours != null
      ? 'api'
      : f?.offlineReplyHours !== undefined || s.fileHours !== undefined
        ? 'file'
        : 'default';
  return {
    inboxId,
    allowedOrigins: r?.allowed_origins != null ? origins(r.allowed_origins) : [...(f?.allowedOrigins ?? [])],
    identitySecretSet: 'plain' in sec || sec.sealed !== null,
    offlineReplyHours:
      r?.offline_reply_hours ?? f?.offlineReplyHours ?? s.fileHours ?? DEFAULT_OFFLINE_REPLY_HOURS,
    source: {
      allowedOrigins: r?.allowed_origins != null ? 'api' : f?.allowedOrigins ? 'file' : 'default',
      identitySecret: sec.source,
      offlineReplyHours: hoursSource,
    },
    updatedAt: r ? new Date(r.updated_at).toISOString() : null,
    updatedBy: r?.updated_by ?? null,
  };
}

/** Stores the given fields for the inbox (the caller checked the inbox and the input). */
async function update(
  s: S,
  inboxId: string,
  patch: WebchatSettingsPatch,
  actorId: string | null,
): Promise<WebchatSettingsView> {
  await s.d.data.updateSettings(inboxId, (r) => {
    const secretGiven = patch.identitySecret !== undefined;
    return {
      allowed_origins:
        patch.allowedOrigins !== undefined
          ? JSON.stringify(patch.allowedOrigins)
          : (r?.allowed_origins ?? null),
      identity_secret: secretGiven
        ? patch.identitySecret
          ? s.sealer.seal(inboxId, patch.identitySecret)
          : null
        : (r?.identity_secret ?? null),
      identity_secret_cleared: secretGiven
        ? patch.identitySecret === null
          ? 1
          : 0
        : (r?.identity_secret_cleared ?? 0),
      offline_reply_hours: patch.offlineReplyHours ?? r?.offline_reply_hours ?? null,
      updated_at: s.d.now(),
      updated_by: actorId,
    };
  });
  return view(s, inboxId);
}

/**
 * Per-inbox web chat settings: those an admin set through the API (relay database, table
 * `webchat_settings`) win field by field over the settings file's (`relay serve --webchat`), which
 * win over the defaults. Read on every use, so a change applies to the next session, socket or
 * upload without a restart. Identity secrets are sealed with AES-256-GCM under `<data>/webchat.key`
 * (created 0600 on first use), so a copy of the database alone cannot forge visitors' identities.
 */
export function createWebchatSettings(d: Deps) {
  const s: S = {
    d,
    fileInboxes: d.file?.inboxes ?? {},
    fileHours: d.file?.offlineReplyHours,
    // Bound to the inbox: a sealed secret copied onto another inbox's row does not open.
    sealer: createSealer(d.dataDir, KEY_FILE, 'switchboard/webchat-secret/v1'),
  };
  return {
    /** What the widget enforces for an inbox: the database's fields over the file's. */
    config: (inboxId: string): Promise<WebchatInboxConfig> => config(s, inboxId),
    /** The effective settings of an inbox, for admins: whether a secret is set, never the secret. */
    view: (inboxId: string): Promise<WebchatSettingsView> => view(s, inboxId),
    /** Stores the given fields for the inbox (the caller checked the inbox and the input). */
    update: (
      inboxId: string,
      patch: WebchatSettingsPatch,
      actorId: string | null,
    ): Promise<WebchatSettingsView> => update(s, inboxId, patch, actorId),
    /** Forgets what admins set for the inbox: the settings file (or the defaults) apply again. */
    async reset(inboxId: string): Promise<WebchatSettingsView> {
      await s.d.data.removeSettings(inboxId);
      return view(s, inboxId);
    },
  };
}
