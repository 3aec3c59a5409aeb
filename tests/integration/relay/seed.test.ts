import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import parsePhoneNumber from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { seedDemoData, startRelay } from '../../../src/relay';
import pino from 'pino';
import { drain, hello, login, tempDir } from './helpers';

describe('relay/seed', () => {
  it('writes valid E.164 numbers, Chinese and English text, and demo agents who can sign in', async () => {
    const dataDir = tempDir();
    const s = await seedDemoData({
      dataDir,
      customers: 300,
      conversations: 200,
      seed: 42,
      demoPassword: 'demo-pass-1',
    });
    expect(s).toMatchObject({ customers: 300, conversations: 200 });
    expect(s.agents.map((a) => a.email)).toEqual(
      expect.arrayContaining(['agent@demo.switchboard', 'supervisor@demo.switchboard']),
    );

    const db = new DatabaseCtor(`${dataDir}/relay.db`, { readonly: true });
    const customers = (
      db.prepare("SELECT data FROM records WHERE entity = 'customer'").pluck().all() as string[]
    ).map((d) => JSON.parse(d) as { phones: string[]; name: string; emails: string[] });
    // The random ones, and the demo caller of `npm run demo:call`.
    expect(customers).toHaveLength(301);
    const countries = new Set<string>();
    for (const c of customers) {
      expect(c.phones.length).toBeGreaterThan(0);
      for (const p of c.phones) {
        expect(p).toMatch(/^\+[1-9]\d{6,14}$/);
        const n = parsePhoneNumber(p)!;
        expect(n.isValid()).toBe(true);
        expect(n.number).toBe(p);
        countries.add(n.country!);
      }
      expect(c.emails[0]).toMatch(/^[^@\s]+@example\.[a-z.]+$/);
    }
    expect(countries.size).toBeGreaterThanOrEqual(4);
    expect(customers.some((c) => /\p{Script=Han}/u.test(c.name))).toBe(true);
    const bodies = db
      .prepare("SELECT json_extract(data, '$.body') FROM records WHERE entity = 'message'")
      .pluck()
      .all() as string[];
    expect(bodies.some((b) => /\p{Script=Han}/u.test(b))).toBe(true);
    expect(bodies.some((b) => /^[\x20-\x7e–]+$/.test(b) && /\bthe\b|\byou\b/i.test(b))).toBe(true);
    for (const kind of ['label', 'cannedReply', 'team', 'inbox', 'agent']) {
      expect(db.prepare('SELECT count(*) FROM records WHERE entity = ?').pluck().get(kind)).toBeGreaterThan(
        0,
      );
    }
    db.close();

    const relay = await startRelay({ dataDir, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    try {
      const pair = await login(relay, 'agent@demo.switchboard', 'demo-pass-1');
      const c = await hello(relay, pair.accessToken);
      const { changes } = await drain(c);
      const convs = changes.filter((x) => x.entity === 'conversation');
      expect(convs.length).toBeGreaterThan(0);
      expect(
        convs.every(
          (x) =>
            pair.agent.teamIds.includes((x.data as { teamId: string }).teamId) ||
            (x.data as { assigneeId: string }).assigneeId === pair.agent.id,
        ),
      ).toBe(true);
      c.ws.close();
    } finally {
      await relay.close();
    }
  });

  it('leaves a live state a newcomer can work in: open work within capacity, a few waiting, the rest resolved', async () => {
    const dataDir = tempDir();
    await seedDemoData({
      dataDir,
      customers: 500,
      conversations: 5000,
      seed: 7,
      demoPassword: 'demo-pass-1',
    });
    const db = new DatabaseCtor(`${dataDir}/relay.db`, { readonly: true });
    const convs = (
      db.prepare("SELECT data FROM records WHERE entity = 'conversation'").pluck().all() as string[]
    ).map(
      (d) => JSON.parse(d) as { status: string; assigneeId: string | null; channel: string; teamId: string },
    );
    db.close();
    const live = convs.filter((c) => c.status !== 'resolved');
    expect(live.length).toBeGreaterThan(0);
    expect(live.length / convs.length).toBeLessThan(0.1);
    const perAgent = new Map<string, { chat: number; email: number }>();
    for (const c of live.filter((x) => x.assigneeId)) {
      const n = perAgent.get(c.assigneeId!) ?? { chat: 0, email: 0 };
      n[c.channel as 'chat' | 'email'] += 1;
      perAgent.set(c.assigneeId!, n);
    }
    // Default capacity: 5 chats, 10 emails. Every demo agent holds some work, none is full.
    expect(perAgent.size).toBe(4);
    for (const n of perAgent.values()) {
      expect(n.chat).toBeGreaterThan(0);
      expect(n.chat).toBeLessThan(5);
      expect(n.email).toBeLessThan(10);
    }
    // A few customers wait, none of them in a chat queue: a newcomer's chat is first in line.
    const waiting = live.filter((c) => !c.assigneeId);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.length).toBeLessThanOrEqual(6);
    expect(waiting.every((c) => c.channel !== 'chat')).toBe(true);
  });

  it('gives the demo a phone: a queue at "support", a SIP user per demo account, and the demo caller', async () => {
    const dataDir = tempDir();
    await seedDemoData({ dataDir, customers: 10, conversations: 20, seed: 5, demoPassword: 'demo-pass-1' });
    const info = JSON.parse(readFileSync(`${dataDir}/demo.json`, 'utf8')) as {
      phone: { voiceInboxId: string; queue: string; sipUsers: Record<string, string> };
    };
    expect(info.phone.queue).toBe('support');
    expect(info.phone.sipUsers).toMatchObject({
      'agent@demo.switchboard': 'agent',
      'agent2@demo.switchboard': 'agent2',
    });
    const db = new DatabaseCtor(`${dataDir}/relay.db`, { readonly: true });
    const data = (entity: string, id: string) =>
      JSON.parse(
        db.prepare('SELECT data FROM records WHERE entity = ? AND id = ?').pluck().get(entity, id) as string,
      ) as Record<string, unknown>;
    const inbox = data('inbox', info.phone.voiceInboxId);
    expect(inbox).toMatchObject({
      channel: 'voice',
      phone: { addresses: expect.arrayContaining(['support']) },
    });
    const agentId = db
      .prepare("SELECT id FROM agents WHERE email = 'agent@demo.switchboard'")
      .pluck()
      .get() as string;
    expect(data('agent', agentId)['sipUser']).toBe('agent');
    const callers = db
      .prepare(
        "SELECT json_extract(data, '$.name') FROM records WHERE entity = 'customer' AND json_extract(data, '$.phones[0]') = '+8613800000000'",
      )
      .pluck()
      .all();
    expect(callers).toEqual(['陈静']);
    db.close();
  });

  it("with --now, writes the same demo caller on every run: same id, created at the data's now", async () => {
    const now = Date.parse('2026-01-15T09:30:00Z');
    const caller = async () => {
      const dataDir = tempDir();
      await seedDemoData({
        dataDir,
        customers: 5,
        conversations: 10,
        seed: 7,
        demoPassword: 'demo-pass-1',
        now,
      });
      const db = new DatabaseCtor(`${dataDir}/relay.db`, { readonly: true });
      const row = db
        .prepare(
          "SELECT id, data FROM records WHERE entity = 'customer' AND json_extract(data, '$.phones[0]') = '+8613800000000'",
        )
        .get() as { id: string; data: string };
      db.close();
      return { id: row.id, data: JSON.parse(row.data) as Record<string, unknown> };
    };
    const [a, b] = [await caller(), await caller()];
    expect(b).toEqual(a);
    expect(a.data).toMatchObject({ name: '陈静', createdAt: '2026-01-15T09:30:00.000Z' });
  });

  it('serves /demo with the demo chat inbox widget only from a seeded data directory', async () => {
    const seeded = tempDir();
    await seedDemoData({
      dataDir: seeded,
      customers: 20,
      conversations: 20,
      seed: 3,
      demoPassword: 'demo-pass-1',
    });
    const plain = tempDir();
    const log = pino({ level: 'silent' });
    const a = await startRelay({ dataDir: seeded, host: '127.0.0.1', port: 0, log });
    const b = await startRelay({ dataDir: plain, host: '127.0.0.1', port: 0, log });
    try {
      const page = await fetch(`${a.url}/demo`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const inbox = /data-inbox="([0-9a-f-]{36})"/.exec(html)?.[1];
      const chatInbox = a.db
        .prepare(
          `SELECT i.id FROM inboxes i JOIN team_members m ON m.team_id = i.team_id JOIN agents a ON a.id = m.agent_id
           WHERE a.email = 'agent@demo.switchboard' AND i.channel = 'chat'`,
        )
        .pluck()
        .get();
      expect(inbox).toBe(chatInbox);
      expect((await fetch(`${b.url}/demo`)).status).toBe(404);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('the built CLI prints help and one-line errors for bad arguments', () => {
    const cli = 'dist/relay/relay.cjs';
    if (!existsSync(cli)) return; // built by `node scripts/build.mjs`; the CLI logic is the same module.
    expect(execFileSync('node', [cli, '--help'], { encoding: 'utf8' })).toContain('relay seed');
    let err = '';
    try {
      execFileSync('node', [cli, 'seed', '--data', tempDir(), '--customers', 'many'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
    }
    expect(err.trim().split('\n')).toEqual([
      'relay: --customers must be a whole number of at least 0, not "many".',
    ]);
  });

  it('with --now, puts every message and conversation before it, in order, and every open SLA after it', async () => {
    const dataDir = tempDir();
    const now = Date.parse('2026-01-15T09:30:00Z');
    await seedDemoData({
      dataDir,
      customers: 50,
      conversations: 200,
      seed: 7,
      demoPassword: 'demo-pass-1',
      now,
    });
    const db = new DatabaseCtor(`${dataDir}/relay.db`, { readonly: true });
    const rows = (entity: string) =>
      (db.prepare('SELECT data FROM records WHERE entity = ?').pluck().all(entity) as string[]).map(
        (d) => JSON.parse(d) as Record<string, string | null>,
      );
    const byConv = new Map<string, number[]>();
    for (const m of rows('message')) {
      expect(Date.parse(m['createdAt']!)).toBeLessThan(now);
      byConv.set(m['conversationId']!, [
        ...(byConv.get(m['conversationId']!) ?? []),
        Date.parse(m['createdAt']!),
      ]);
    }
    for (const c of rows('conversation')) {
      const times = byConv.get(c['id'] ?? '') ?? [];
      expect(Date.parse(c['createdAt']!)).toBeLessThan(now);
      if (c['slaDueAt']) expect(Date.parse(c['slaDueAt'])).toBeGreaterThanOrEqual(now);
      if (times.length) expect(Date.parse(c['lastMessageAt']!)).toBe(Math.max(...times));
    }
    db.close();
  });
});
