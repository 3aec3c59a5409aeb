import type { AsyncStore } from './asyncStore';
import type { Database } from './database';

// What the web chat channel (channels/webchat/) asks the relay's database besides single records
// (asyncStore.ts) and the directory (identityData.ts): a visitor's customer and own chat, a chat's
// messages, when each chat's visitor was last seen (`webchat_presence`), and the settings admins
// set per inbox (`webchat_settings`). Relay-only tables, never synced records. SQLite answers here
// (its migrations 003 and 013), PostgreSQL in postgres/pgWebchatData.ts (its migration 011).
// Rows keep the SQLite shapes (times in ms, flags 0/1), so the channel reads the same values on
// either store.

/** A chat's message as the channel reads it: id, log position, data. */
export type ChatMessageRow = { id: string; seq: number; data: Record<string, unknown> };

/** When a chat's visitor was last seen (ms, the relay's clock). */
export type PresenceRow = { conversation_id: string; last_seen_at: number };

/** An inbox's web chat settings as admins set them; a NULL field means "as the settings file says". */
export type WebchatSettingsRow = {
  inbox_id: string;
  /** JSON array of exact origins; '[]' allows every origin. */
  allowed_origins: string | null;
  /** Sealed with `<data>/webchat.key`, bound to the inbox. */
  identity_secret: Buffer | null;
  /** 1: the secret was cleared here, so the file's secret no longer applies either. */
  identity_secret_cleared: number;
  offline_reply_hours: number | null;
  updated_at: number;
  updated_by: string | null;
};

export type WebchatData = {
  /** A live customer carrying the web chat identity `identity` (`<inboxId>:<userId>`), or null. */
  customerByIdentity(identity: string): Promise<string | null>;
  /**
   * The newest live chat (any chat inbox) that customer `own` wrote in (a message of theirs,
   * direction in), now on `own` or on `target` (the profile `own` was merged into; `own` when
   * none), or null. With `conversationId`, only that one qualifies.
   */
  ownChat(own: string, target: string, conversationId: string | null): Promise<string | null>;
  /** A conversation's live messages, in log order. */
  messagesOf(convId: string): Promise<ChatMessageRow[]>;

  /** These chats' visitors are there at `at` (one write). */
  presenceSeen(convIds: readonly string[], at: number): Promise<void>;
  presenceForget(convId: string): Promise<void>;
  /** Every chat whose visitor was seen and not yet found gone. */
  presenceAll(): Promise<PresenceRow[]>;
  /** When the chat's visitor was last seen (by any relay), or null. */
  presenceOf(convId: string): Promise<number | null>;

  settings(inboxId: string): Promise<WebchatSettingsRow | null>;
  /**
   * Changes an inbox's settings in one transaction: `fn` sees the row as it is then (null: none)
   * and returns the row to keep, so two admins changing different fields at once both land.
   */
  updateSettings(
    inboxId: string,
    fn: (row: WebchatSettingsRow | null) => Omit<WebchatSettingsRow, 'inbox_id'>,
  ): Promise<void>;
  removeSettings(inboxId: string): Promise<void>;
};

/**
 * WebchatData on the SQLite relay database. A settings change runs in a store transaction of
 * `store` (asyncSqliteStore over the same database), so it never lands inside another caller's
 * open transaction on the one connection.
 */
export function createSqliteWebchatData(db: Database, store: Pick<AsyncStore, 'transaction'>): WebchatData {
  const q = statements(db);
  const putSettings = (inboxId: string, row: Omit<WebchatSettingsRow, 'inbox_id'>) =>
    q.upsert.run({ ...row, inbox_id: inboxId });
  return {
    customerByIdentity: async (identity) => q.byIdentity.get(identity) ?? null,
    ownChat: async (own, target, conv) => q.ownChat.get({ cust: own, target, conv }) ?? null,
    messagesOf: async (convId) =>
      q.messagesOf
        .all(convId)
        .map((r) => ({ id: r.id, seq: r.seq, data: JSON.parse(r.data) as Record<string, unknown> })),
    presenceSeen: async (convIds, at) => q.seenAll(convIds, at),
    presenceForget: async (convId) => void q.forget.run(convId),
    presenceAll: async () => q.presenceAll.all(),
    presenceOf: async (convId) => q.presenceOf.get(convId) ?? null,
    settings: async (inboxId) => q.settings.get(inboxId) ?? null,
    updateSettings: (inboxId, fn) =>
      store.transaction(async () => void putSettings(inboxId, fn(q.settings.get(inboxId) ?? null))),
    removeSettings: async (inboxId) => void q.removeSettings.run(inboxId),
  };
}

function statements(db: Database) {
  const seen = db.prepare<[string, number]>(
    `INSERT INTO webchat_presence (conversation_id, last_seen_at) VALUES (?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
  );
  return {
    byIdentity: db
      .prepare<[string], string>(
        `SELECT id FROM records WHERE entity = 'customer' AND deleted = 0
         AND EXISTS (SELECT 1 FROM json_each(records.data, '$.identities')
                     WHERE json_extract(value, '$.kind') = 'webchat' AND json_extract(value, '$.value') = ?)
       LIMIT 1`,
      )
      .pluck(),
    // Message customerIds are written once and never moved by a merge: a conversation a merge
    // brought onto the visitor's profile never qualifies.
    ownChat: db
      .prepare<{ cust: string; target: string; conv: string | null }, string>(
        `SELECT c.id FROM records c WHERE c.entity = 'conversation' AND c.deleted = 0
       AND (@conv IS NULL OR c.id = @conv)
       AND json_extract(c.data, '$.channel') = 'chat'
       AND json_extract(c.data, '$.customerId') IN (@cust, @target)
       AND EXISTS (SELECT 1 FROM records m WHERE m.conv_id = c.id AND m.entity = 'message' AND m.deleted = 0
                   AND json_extract(m.data, '$.direction') = 'in' AND json_extract(m.data, '$.customerId') = @cust)
     ORDER BY json_extract(c.data, '$.createdAt') DESC, c.seq DESC LIMIT 1`,
      )
      .pluck(),
    messagesOf: db.prepare<[string], { id: string; seq: number; data: string }>(
      `SELECT id, seq, data FROM records WHERE entity = 'message' AND deleted = 0 AND conv_id = ? ORDER BY seq`,
    ),
    seenAll: db.transaction((convIds: readonly string[], at: number) => {
      for (const id of convIds) seen.run(id, at);
    }),
    forget: db.prepare<[string]>('DELETE FROM webchat_presence WHERE conversation_id = ?'),
    presenceAll: db.prepare<[], PresenceRow>('SELECT conversation_id, last_seen_at FROM webchat_presence'),
    presenceOf: db
      .prepare<[string], number>('SELECT last_seen_at FROM webchat_presence WHERE conversation_id = ?')
      .pluck(),
    settings: db.prepare<[string], WebchatSettingsRow>('SELECT * FROM webchat_settings WHERE inbox_id = ?'),
    upsert: db.prepare<WebchatSettingsRow>(
      `INSERT INTO webchat_settings (inbox_id, allowed_origins, identity_secret, identity_secret_cleared,
         offline_reply_hours, updated_at, updated_by)
       VALUES (@inbox_id, @allowed_origins, @identity_secret, @identity_secret_cleared,
         @offline_reply_hours, @updated_at, @updated_by)
       ON CONFLICT (inbox_id) DO UPDATE SET allowed_origins = excluded.allowed_origins,
         identity_secret = excluded.identity_secret, identity_secret_cleared = excluded.identity_secret_cleared,
         offline_reply_hours = excluded.offline_reply_hours, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
    ),
    removeSettings: db.prepare<[string]>('DELETE FROM webchat_settings WHERE inbox_id = ?'),
  };
}
