import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, count, http, login, startTestRelay } from '../relay/helpers';
import { mailServersMissing, startMailServers, type MailServers } from '../../support/mail';
import type { Relay } from '../../../src/relay';

// Removing an email inbox's mailbox (its IMAP and SMTP credentials) is an admin's act and leaves an
// audit line (who, when, from where); a supervisor of the team may read the settings but not remove
// them, and their refused attempt changes nothing. Against Dovecot and Postfix on 127.0.0.1 (the
// account is tested when it is saved).

const missing = mailServersMissing();
if (missing) console.warn(`mailbox removal skipped: ${missing}`);

const SHOP = { address: 'shop@shop.test', password: 'shop-pass-1' };

let mail: MailServers;
let relay: Relay & { dataDir: string };
let adminToken: string;
let supervisorToken: string;
let inboxId: string;

describe.skipIf(missing)('relay/channels/email mailbox removal (Dovecot + Postfix)', () => {
  beforeAll(async () => {
    mail = await startMailServers([SHOP]);
    relay = await startTestRelay({ email: { mailbox: { pollIntervalMs: 300, retryMs: 200 } } });
    adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Mail' }, adminToken))
      .body.id;
    inboxId = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Shop mail', channel: 'email', teamId: team },
        adminToken,
      )
    ).body.id;
    const sup = { email: 'sup@relay.test', password: 'password-123' };
    await http(
      relay,
      'POST',
      '/v1/admin/agents',
      { ...sup, name: 'Sup', role: 'supervisor', teamIds: [team] },
      adminToken,
    );
    supervisorToken = (await login(relay, sup.email, sup.password)).accessToken;
    const put = await http(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inboxId}/email`,
      {
        address: SHOP.address,
        imap: {
          host: '127.0.0.1',
          port: mail.imapPort,
          tls: 'none',
          user: SHOP.address,
          password: SHOP.password,
        },
        smtp: { host: '127.0.0.1', port: mail.smtpPort, tls: 'none' },
      },
      adminToken,
    );
    expect(put.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
    await mail?.stop();
  });

  it('lets only an admin remove the mailbox, and audits the removal', async () => {
    const path = `/v1/admin/inboxes/${inboxId}/email`;
    const removals = () =>
      count(
        relay,
        "SELECT count(*) FROM audit_log WHERE action = 'email.settingsRemoved' AND target = ?",
        inboxId,
      );

    const bySupervisor = await http<{ error: { code: string; message: string } }>(
      relay,
      'DELETE',
      path,
      undefined,
      supervisorToken,
    );
    expect(bySupervisor.status).toBe(403);
    expect(bySupervisor.body.error.message).toMatch(/Only admins may change mailbox settings; ask an admin/);
    expect((await http(relay, 'GET', path, undefined, supervisorToken)).status).toBe(200);
    expect(count(relay, 'SELECT count(*) FROM email_accounts WHERE inbox_id = ?', inboxId)).toBe(1);
    expect(removals()).toBe(0);

    const byAdmin = await http(relay, 'DELETE', path, undefined, adminToken);
    expect(byAdmin).toEqual({ status: 200, body: { inboxId, removed: true } });
    expect(count(relay, 'SELECT count(*) FROM email_accounts WHERE inbox_id = ?', inboxId)).toBe(0);
    expect((await http(relay, 'GET', path, undefined, adminToken)).status).toBe(404);
    expect(removals()).toBe(1);
    const line = relay.db
      .prepare(
        "SELECT actor_id AS actorId, ip FROM audit_log WHERE action = 'email.settingsRemoved' AND target = ?",
      )
      .get(inboxId) as { actorId: string; ip: string | null };
    const adminId = relay.db.prepare('SELECT id FROM agents WHERE email = ?').pluck().get(ADMIN.email);
    expect(line).toEqual({ actorId: adminId, ip: expect.stringMatching(/127\.0\.0\.1/) });
  });
});
