import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../../data/db';
import { createWebchatSettings } from './settings';

function setup(file = {}) {
  const db = openMemoryDatabase();
  db.prepare("INSERT INTO teams (id, name, created_at) VALUES ('t', 'Chat', 0)").run();
  for (const id of ['a', 'b'])
    db.prepare("INSERT INTO inboxes (id, name, channel, team_id) VALUES (?, ?, 'chat', 't')").run(id, id);
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-wcs-'));
  const make = () =>
    createWebchatSettings({ db, dataDir, log: pino({ level: 'silent' }), now: () => 1_000, file });
  return { db, dataDir, make };
}

describe('relay/channels/webchat/settings', () => {
  it('takes each field from the API, else the file, else the default', () => {
    const { make } = setup({
      inboxes: { a: { allowedOrigins: ['https://f.example'] } },
      offlineReplyHours: 9,
    });
    const s = make();
    expect(s.config('a')).toEqual({ allowedOrigins: ['https://f.example'] });
    s.update('a', { offlineReplyHours: 3 }, 'admin');
    expect(s.config('a')).toEqual({ allowedOrigins: ['https://f.example'], offlineReplyHours: 3 });
    expect(s.view('b')).toMatchObject({ offlineReplyHours: 9, source: { offlineReplyHours: 'file' } });
    s.reset('a');
    expect(s.view('a').source.offlineReplyHours).toBe('file');
  });

  it('seals the secret to its inbox: a sealed secret moved to another inbox does not open', () => {
    const { db, make } = setup();
    const s = make();
    s.update('a', { identitySecret: 'a-secret-of-16-chars' }, null);
    expect(s.config('a').identitySecret).toBe('a-secret-of-16-chars');
    db.prepare(
      "INSERT INTO webchat_settings (inbox_id, identity_secret, updated_at) SELECT 'b', identity_secret, 0 FROM webchat_settings WHERE inbox_id = 'a'",
    ).run();
    expect(s.config('b').identitySecret).toBeUndefined();
  });

  it('fails closed when the key file is not the one the secret was sealed with', () => {
    const { dataDir, make } = setup();
    make().update('a', { identitySecret: 'a-secret-of-16-chars' }, null);
    writeFileSync(join(dataDir, 'webchat.key'), Buffer.alloc(32, 7));
    const fresh = make();
    expect(fresh.config('a').identitySecret).toBeUndefined();
    expect(fresh.view('a').identitySecretSet).toBe(true); // still set: the admin must set it again
  });
});
