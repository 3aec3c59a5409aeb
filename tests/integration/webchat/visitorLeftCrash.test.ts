import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_ADMIN, startRelayProcess, type RelayProcess } from '../../support/relayProcess';
import { http, login, tempDir } from '../relay/helpers';
import { session, until, visit } from './visitorClient';

// Channel truth for web chat across a relay crash (#13): a relay process SIGKILLed while a visitor
// has the chat open closes nothing and records nothing at that moment; the time it kept seeing
// them while connected is what the restarted relay reads, so a visitor who never comes back is
// marked as left once the grace (visitorGoneMs, short here) is over.

const relays: RelayProcess[] = [];

afterAll(async () => {
  for (const r of relays) await r.stop();
});

/** Reads the relay's database from outside its process (WAL: readers never block it). */
function one<T>(dataDir: string, sql: string, ...params: unknown[]): T | undefined {
  const db = new DatabaseCtor(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(sql)
      .pluck()
      .get(...params) as T | undefined;
  } finally {
    db.close();
  }
}

describe('relay/channels/webchat visitor left across a relay crash (relay process)', () => {
  it('marks a visitor whose page was open when the relay was killed as left once they are not back', async () => {
    const opts = join(tempDir('sb-webchatopts-'), 'webchat.json');
    writeFileSync(opts, JSON.stringify({ visitorGoneMs: 300 }));
    const first = await startRelayProcess(['--webchat', opts]);
    relays.push(first);
    const admin = (await login(first, ROOT_ADMIN.email, ROOT_ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(first, 'POST', '/v1/admin/teams', { name: 'Chat' }, admin)).body
      .id;
    const inboxId = (
      await http<{ id: string }>(
        first,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Web chat', channel: 'chat', teamId: team },
        admin,
      )
    ).body.id;
    const v = await visit(first, await session(first, { inboxId, name: 'Reading when it crashed' }));
    v.send({ t: 'message', text: 'hello?', clientId: 'c1' });
    await v.next('message');
    const convId = await until(
      () => one<string>(first.dataDir, 'SELECT conversation_id FROM webchat_presence'),
      'the chat seen',
    );
    const seenAt = () =>
      one<number>(
        first.dataDir,
        'SELECT last_seen_at FROM webchat_presence WHERE conversation_id = ?',
        convId,
      );
    const arrived = seenAt()!;
    await until(() => seenAt()! > arrived, 'seen again while the page is open');

    const gone = new Promise((r) => first.proc.once('exit', r));
    first.proc.kill('SIGKILL');
    await gone;
    await v.closed;
    const leftAt = () =>
      one<string | null>(
        first.dataDir,
        "SELECT json_extract(data, '$.visitorLeftAt') FROM records WHERE entity = 'conversation' AND id = ?",
        convId,
      );
    expect(leftAt()).toBeNull();

    const second = await startRelayProcess(['--webchat', opts], { dataDir: first.dataDir });
    relays.push(second);
    await until(() => leftAt(), 'the visitor marked as left after the restart');
  });
});
