import DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migration001 } from './001_initial';
import { migration002 } from './002_api_keys';
import { migration003 } from './003_webchat_settings';
import { migration004 } from './004_audit_log';
import { MIGRATIONS, migrate } from './index';

describe('relay/data/migrations', () => {
  it('001 creates every table the relay needs', () => {
    const db = new DatabaseCtor(':memory:');
    expect(migrate(db, [migration001])).toBe(1);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
    ).sort();
    for (const t of [
      'agents',
      'applied_mutations',
      'devices',
      'field_history',
      'inboxes',
      'log',
      'meta',
      'records',
      'refresh_tokens',
      'team_members',
      'teams',
    ]) {
      expect(tables).toContain(t);
    }
  });

  it('002 adds per-inbox API keys', () => {
    const db = new DatabaseCtor(':memory:');
    expect(migrate(db)).toBe(MIGRATIONS.length);
    const cols = (db.prepare('PRAGMA table_info(api_keys)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['id', 'inbox_id', 'secret_hash', 'revoked_at']));
  });

  it('003 adds web chat settings to a database at 002, keeping its rows', () => {
    const db = new DatabaseCtor(':memory:');
    db.pragma('foreign_keys = ON');
    expect(migrate(db, [migration001, migration002])).toBe(2);
    db.prepare("INSERT INTO teams (id, name, created_at) VALUES ('t1', 'Chat', 0)").run();
    db.prepare("INSERT INTO inboxes (id, name, channel, team_id) VALUES ('i1', 'Web', 'chat', 't1')").run();
    expect(migrate(db, [migration001, migration002, migration003])).toBe(3);
    expect(db.prepare('SELECT count(*) FROM inboxes').pluck().get()).toBe(1);
    const cols = (db.prepare('PRAGMA table_info(webchat_settings)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(cols).toEqual(
      expect.arrayContaining(['inbox_id', 'allowed_origins', 'identity_secret', 'offline_reply_hours']),
    );
    db.prepare("INSERT INTO webchat_settings (inbox_id, updated_at) VALUES ('i1', 0)").run();
    // Settings belong to a real inbox, and "cleared" is a flag, not any number.
    expect(() =>
      db.prepare("INSERT INTO webchat_settings (inbox_id, updated_at) VALUES ('nope', 0)").run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare('UPDATE webchat_settings SET identity_secret_cleared = 2').run()).toThrow(
      /CHECK/,
    );
  });

  it('004 adds an append-only audit log to a database at 003, keeping its rows', () => {
    const db = new DatabaseCtor(':memory:');
    expect(migrate(db, [migration001, migration002, migration003])).toBe(3);
    db.prepare("INSERT INTO teams (id, name, created_at) VALUES ('t1', 'Chat', 0)").run();
    expect(migrate(db, [migration001, migration002, migration003, migration004])).toBe(4);
    expect(db.prepare('SELECT count(*) FROM teams').pluck().get()).toBe(1);
    db.prepare(
      "INSERT INTO audit_log (at, actor_id, action, target) VALUES (1, 'a1', 'auth.signIn', 'a1')",
    ).run();
    expect(db.prepare('SELECT action FROM audit_log').pluck().get()).toBe('auth.signIn');
    // Nobody rewrites history: not an edit, not a delete.
    expect(() => db.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT * FROM audit_log WHERE actor_id = ? AND seq < ? ORDER BY seq DESC LIMIT 10',
      )
      .all('a1', 99) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/audit_log_actor/);
  });

  it('005 adds account-management columns to agents at 004, keeping each agent as it was', () => {
    const db = new DatabaseCtor(':memory:');
    expect(migrate(db, [migration001, migration002, migration003, migration004])).toBe(4);
    db.prepare(
      "INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES ('a1', 'li@x.cn', '李', 'agent', 'h', 0)",
    ).run();
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT * FROM agents').get()).toMatchObject({
      email: 'li@x.cn',
      disabled: 0,
      disabled_at: null,
      disabled_reason: null,
      must_change_password: 0,
      last_sign_in_at: null,
    });
    expect(() => db.prepare('UPDATE agents SET must_change_password = 2').run()).toThrow(/CHECK/);
  });

  it('006 adds the email channel tables; an outbox row keeps one Message-ID and a known state', () => {
    const db = new DatabaseCtor(':memory:');
    migrate(db);
    const ins = db.prepare(
      `INSERT INTO email_outbox (message_id, inbox_id, conversation_id, header_id, state, created_at, updated_at)
       VALUES (?, 'i1', 'c1', ?, ?, 0, 0)`,
    );
    ins.run('m1', '<m1@x>', 'queued');
    expect(() => ins.run('m2', '<m1@x>', 'queued')).toThrow(/UNIQUE/);
    expect(() => ins.run('m3', '<m3@x>', 'lost')).toThrow(/CHECK/);
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM email_messages WHERE inbox_id = ? AND header_id = ?')
      .all('i1', '<a@b>') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/PRIMARY KEY/);
  });

  it('009 fills report facts from the conversations and messages a database at 008 holds', () => {
    const db = new DatabaseCtor(':memory:');
    expect(migrate(db, MIGRATIONS.slice(0, 8))).toBe(8);
    const put = db.prepare(
      "INSERT INTO records (entity, id, data, clocks, seq, conv_id) VALUES (?, ?, ?, '{}', ?, ?)",
    );
    const conv = { channel: 'chat', teamId: 't1', inboxId: 'i1', assigneeId: 'a1', status: 'open' };
    put.run(
      'conversation',
      'c1',
      JSON.stringify({ ...conv, createdAt: '2026-03-08T10:00:00.000Z' }),
      1,
      'c1',
    );
    const msg = (direction: string, at: string) =>
      JSON.stringify({
        conversationId: 'c1',
        direction,
        authorId: direction === 'out' ? 'a1' : null,
        createdAt: at,
      });
    put.run('message', 'm1', msg('in', '2026-03-08T10:00:00.000Z'), 2, 'c1');
    put.run('message', 'm2', msg('out', '2026-03-08T10:00:42.000Z'), 3, 'c1');
    expect(migrate(db)).toBeGreaterThanOrEqual(9);
    expect(
      db.prepare('SELECT channel, team_id, agent_id, first_in_at, first_response_at FROM report_facts').all(),
    ).toEqual([
      {
        channel: 'chat',
        team_id: 't1',
        agent_id: 'a1',
        first_in_at: Date.parse('2026-03-08T10:00:00.000Z'),
        first_response_at: Date.parse('2026-03-08T10:00:42.000Z'),
      },
    ]);
  });

  it('011 adds API webhooks and their outbox: one row per message, a known state, due rows by index', () => {
    const db = new DatabaseCtor(':memory:');
    db.pragma('foreign_keys = ON');
    expect(migrate(db, MIGRATIONS.slice(0, 10))).toBe(10);
    db.prepare("INSERT INTO teams (id, name, created_at) VALUES ('t1', 'Api', 0)").run();
    db.prepare("INSERT INTO inboxes (id, name, channel, team_id) VALUES ('i1', 'Orders', 'api', 't1')").run();
    expect(migrate(db)).toBeGreaterThanOrEqual(11);
    const hook = db.prepare(
      "INSERT INTO api_webhooks (inbox_id, url, secret, from_seq, updated_at) VALUES (?, 'https://x.test/h', x'00', 0, 0)",
    );
    hook.run('i1');
    // A webhook belongs to a real inbox.
    expect(() => hook.run('nope')).toThrow(/FOREIGN KEY/);
    const ins = db.prepare(
      `INSERT INTO webhook_outbox (message_id, inbox_id, conversation_id, state, next_at, created_at, updated_at)
       VALUES (?, 'i1', 'c1', ?, 0, 0, 0)`,
    );
    ins.run('m1', 'queued');
    expect(() => ins.run('m1', 'queued')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => ins.run('m2', 'bounced')).toThrow(/CHECK/);
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT * FROM webhook_outbox WHERE state IN ('queued', 'sending') AND next_at <= ?",
      )
      .all(0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/webhook_outbox_due/);
  });

  it("013 adds when each web chat's visitor was last seen: one row per conversation", () => {
    const db = new DatabaseCtor(':memory:');
    migrate(db);
    const up = db.prepare(
      `INSERT INTO webchat_presence (conversation_id, last_seen_at) VALUES (?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
    );
    up.run('c1', 1);
    up.run('c1', 2);
    expect(db.prepare('SELECT conversation_id, last_seen_at FROM webchat_presence').all()).toEqual([
      { conversation_id: 'c1', last_seen_at: 2 },
    ]);
    expect(() => db.prepare('INSERT INTO webchat_presence (conversation_id) VALUES (?)').run('c2')).toThrow(
      /NOT NULL/,
    );
  });

  it('is idempotent and refuses a database newer than the code', () => {
    const db = new DatabaseCtor(':memory:');
    migrate(db);
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    db.pragma('user_version = 99');
    expect(() => migrate(db)).toThrow(/newer than this relay/);
  });

  it('changes after a cursor are a range scan of the seq index', () => {
    const db = new DatabaseCtor(':memory:');
    migrate(db);
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT 10')
      .all(0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/records_seq/);
  });

  // The timer names its index (INDEXED BY, which fails to prepare when the index cannot serve it).
  it("the SLA and snooze timer's queries are range scans of their indexes (010)", () => {
    const db = new DatabaseCtor(':memory:');
    migrate(db);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' ');
    expect(
      plan(`SELECT id FROM records INDEXED BY records_conv_snoozed_until WHERE entity = 'conversation' AND deleted = 0
        AND json_extract(data, '$.snoozedUntil') <= '2026' AND json_extract(data, '$.status') = 'snoozed'`),
    ).toMatch(/records_conv_snoozed_until/);
    for (const [field, index] of [
      ['slaFirstResponseDueAt', 'records_conv_first_response_due'],
      ['slaResolutionDueAt', 'records_conv_resolution_due'],
    ])
      expect(
        plan(`SELECT id FROM records INDEXED BY ${index} WHERE entity = 'conversation' AND deleted = 0
          AND json_extract(data, '$.${field}') > '' AND json_extract(data, '$.${field}') <= '2026'`),
      ).toMatch(new RegExp(index!));
  });
});
