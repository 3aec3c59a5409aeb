import type { Database } from '../../data/db';
import { createSealer } from '../../data/sealing';
import type { Logger } from '../../core/logger';
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

type Row = {
  inbox_id: string;
  allowed_origins: string | null;
  identity_secret: Buffer | null;
  identity_secret_cleared: number;
  offline_reply_hours: number | null;
  updated_at: number;
  updated_by: string | null;
};

export type WebchatSettings = ReturnType<typeof createWebchatSettings>;

/**
 * Per-inbox web chat settings: those an admin set through the API (relay database, table
 * `webchat_settings`) win field by field over the settings file's (`relay serve --webchat`), which
 * win over the defaults. Read on every use, so a change applies to the next session, socket or
 * upload without a restart. Identity secrets are sealed with AES-256-GCM under `<data>/webchat.key`
 * (created 0600 on first use), so a copy of the database alone cannot forge visitors' identities.
 */
export function createWebchatSettings(d: {
  db: Database;
  dataDir: string;
  log: Logger;
  now: () => number;
  /** The settings file; default none. */
  file?: WebchatOptions;
}) {
  const fileInboxes = d.file?.inboxes ?? {};
  const fileHours = d.file?.offlineReplyHours;
  const q = {
    get: d.db.prepare<[string], Row>('SELECT * FROM webchat_settings WHERE inbox_id = ?'),
    upsert: d.db.prepare(
      `INSERT INTO webchat_settings (inbox_id, allowed_origins, identity_secret, identity_secret_cleared,
         offline_reply_hours, updated_at, updated_by)
       VALUES (@inbox_id, @allowed_origins, @identity_secret, @identity_secret_cleared,
         @offline_reply_hours, @updated_at, @updated_by)
       ON CONFLICT (inbox_id) DO UPDATE SET allowed_origins = excluded.allowed_origins,
         identity_secret = excluded.identity_secret, identity_secret_cleared = excluded.identity_secret_cleared,
         offline_reply_hours = excluded.offline_reply_hours, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
    ),
    remove: d.db.prepare('DELETE FROM webchat_settings WHERE inbox_id = ?'),
  };

  // Bound to the inbox: a sealed secret copied onto another inbox's row does not open.
  const sealer = createSealer(d.dataDir, KEY_FILE, 'switchboard/webchat-secret/v1');
  const seal = (inboxId: string, secret: string) => sealer.seal(inboxId, secret);

  /** The secret, or null when it cannot be opened (key file lost or replaced): fail closed. */
  function open(inboxId: string, sealed: Buffer): string | null {
    try {
      return sealer.open(inboxId, sealed);
    } catch (err) {
      d.log.error(
        { err, inbox: inboxId },
        `web chat identity secret cannot be opened (is ${KEY_FILE} the one it was sealed with?); signed identities are refused until an admin sets it again`,
      );
      return null;
    }
  }

  const origins = (json: string) => JSON.parse(json) as string[];

  /** Secret source, with "set" meaning a secret is in force (cleared by an admin beats the file). */
  function secretOf(inboxId: string, r: Row | undefined) {
    if (r?.identity_secret) return { source: 'api' as const, sealed: r.identity_secret };
    if (r?.identity_secret_cleared) return { source: 'api' as const, sealed: null };
    const f = fileInboxes[inboxId]?.identitySecret;
    return f ? { source: 'file' as const, plain: f } : { source: 'default' as const, sealed: null };
  }

  const api = {
    /** What the widget enforces for an inbox: the database's fields over the file's. */
    config(inboxId: string): WebchatInboxConfig {
      const r = q.get.get(inboxId);
      const f = fileInboxes[inboxId];
      const c: WebchatInboxConfig = {};
      const allowed = r?.allowed_origins != null ? origins(r.allowed_origins) : f?.allowedOrigins;
      if (allowed) c.allowedOrigins = allowed;
      const s = secretOf(inboxId, r);
      const secret = 'plain' in s ? s.plain : s.sealed ? open(inboxId, s.sealed) : null;
      if (secret) c.identitySecret = secret;
      const hours = r?.offline_reply_hours ?? f?.offlineReplyHours;
      if (hours !== undefined) c.offlineReplyHours = hours;
      return c;
    },

    /** The effective settings of an inbox, for admins: whether a secret is set, never the secret. */
    view(inboxId: string): WebchatSettingsView {
      const r = q.get.get(inboxId);
      const f = fileInboxes[inboxId];
      const s = secretOf(inboxId, r);
      const hoursSource: WebchatSettingSource =
        r?.offline_reply_hours != null
          ? 'api'
          : f?.offlineReplyHours !== undefined || fileHours !== undefined
            ? 'file'
            : 'default';
      return {
        inboxId,
        allowedOrigins:
          r?.allowed_origins != null ? origins(r.allowed_origins) : [...(f?.allowedOrigins ?? [])],
        identitySecretSet: 'plain' in s || s.sealed !== null,
        offlineReplyHours:
          r?.offline_reply_hours ?? f?.offlineReplyHours ?? fileHours ?? DEFAULT_OFFLINE_REPLY_HOURS,
        source: {
          allowedOrigins: r?.allowed_origins != null ? 'api' : f?.allowedOrigins ? 'file' : 'default',
          identitySecret: s.source,
          offlineReplyHours: hoursSource,
        },
        updatedAt: r ? new Date(r.updated_at).toISOString() : null,
        updatedBy: r?.updated_by ?? null,
      };
    },

    /** Stores the given fields for the inbox (the caller checked the inbox and the input). */
    update(inboxId: string, patch: WebchatSettingsPatch, actorId: string | null): WebchatSettingsView {
      d.db.transaction(() => {
        const r = q.get.get(inboxId);
        const secretGiven = patch.identitySecret !== undefined;
        q.upsert.run({
          inbox_id: inboxId,
          allowed_origins:
            patch.allowedOrigins !== undefined
              ? JSON.stringify(patch.allowedOrigins)
              : (r?.allowed_origins ?? null),
          identity_secret: secretGiven
            ? patch.identitySecret
              ? seal(inboxId, patch.identitySecret)
              : null
            : (r?.identity_secret ?? null),
          identity_secret_cleared: secretGiven
            ? patch.identitySecret === null
              ? 1
              : 0
            : (r?.identity_secret_cleared ?? 0),
          offline_reply_hours: patch.offlineReplyHours ?? r?.offline_reply_hours ?? null,
          updated_at: d.now(),
          updated_by: actorId,
        });
      })();
      return api.view(inboxId);
    },

    /** Forgets what admins set for the inbox: the settings file (or the defaults) apply again. */
    reset(inboxId: string): WebchatSettingsView {
      q.remove.run(inboxId);
      return api.view(inboxId);
    },
  };
  return api;
}
