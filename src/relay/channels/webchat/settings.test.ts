import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../../data/db';
import { asyncSqliteStore } from '../../data/sqliteAsync';
import { createStore } from '../../data/sqliteStore';
import { createSqliteWebchatData } from '../../data/webchatData';
import { createWebchatSettings } from './settings';

function setup(file = {}) {
  const db = openMemoryDatabase();
  db.prepare("INSERT INTO teams (id, name, created_at) VALUES ('t', 'Chat', 0)").run();
  for (const id of ['a', 'b'])
    db.prepare("INSERT INTO inboxes (id, name, channel, team_id) VALUES (?, ?, 'chat', 't')").run(id, id);
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-wcs-'));
  const data = createSqliteWebchatData(db, asyncSqliteStore(createStore(db, () => 1_000)));
  const make = () =>
    createWebchatSettings({ data, dataDir, log: pino({ level: 'silent' }), now: () => 1_000, file });
  return { db, dataDir, make };
}

describe('relay/channels/webchat/settings', async () => {
  it('takes each field from the API, else the file, else the default', async () => {
    const { make } = setup({
      inboxes: { a: { allowedOrigins: ['https://f.example'] } },
      offlineReplyHours: 9,
    });
    const s = make();
    expect(await s.config('a')).toEqual({ allowedOrigins: ['https://f.example'] });
    await s.update('a', { offlineReplyHours: 3 }, 'admin');
    expect(await s.config('a')).toEqual({ allowedOrigins: ['https://f.example'], offlineReplyHours: 3 });
    expect(await s.view('b')).toMatchObject({ offlineReplyHours: 9, source: { offlineReplyHours: 'file' } });
    await s.reset('a');
    expect((await s.view('a')).source.offlineReplyHours).toBe('file');
  });

  it('seals the secret to its inbox: a sealed secret moved to another inbox does not open', async () => {
    const { db, make } = setup();
    const s = make();
    await s.update('a', { identitySecret: 'a-secret-of-16-chars' }, null);
    expect((await s.config('a')).identitySecret).toBe('a-secret-of-16-chars');
    db.prepare(
      "INSERT INTO webchat_settings (inbox_id, identity_secret, updated_at) SELECT 'b', identity_secret, 0 FROM webchat_settings WHERE inbox_id = 'a'",
    ).run();
    expect((await s.config('b')).identitySecret).toBeUndefined();
  });

  it('fails closed when the key file is not the one the secret was sealed with', async () => {
    const { dataDir, make } = setup();
    await make().update('a', { identitySecret: 'a-secret-of-16-chars' }, null);
    writeFileSync(join(dataDir, 'webchat.key'), Buffer.alloc(32, 7));
    const fresh = make();
    expect((await fresh.config('a')).identitySecret).toBeUndefined();
    expect((await fresh.view('a')).identitySecretSet).toBe(true); // still set: the admin must set it again
  });
});
