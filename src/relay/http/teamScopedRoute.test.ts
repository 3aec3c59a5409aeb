import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_ROUTES } from '../../shared/relayRoutes';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';
import type { Auth, Principal } from '../identity/auth';
import { scopedRoutes } from './teamScopedRoute';

// A stand-in for the relay's Auth (the only part not run here): "Bearer <role>" signs in as that
// role; anything else is refused as the real one refuses a missing token.
const auth = {
  authenticateRequest(req: { headers: { authorization?: string | undefined } }): Principal {
    const role = /^Bearer (admin|supervisor|agent)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!role) throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'Sign in first.');
    return { agentId: `${role}-1`, role: role as Principal['role'], deviceId: 'd', expiresAt: Infinity };
  },
} as unknown as Auth;

describe('relay/http/teamScopedRoute', () => {
  const refused: string[] = [];
  let server: Server;
  let base = '';

  beforeAll(async () => {
    const supervisor = scopedRoutes(
      { auth, log: pino({ level: 'silent' }) },
      [
        { route: RELAY_ROUTES.supervisorBoard, run: (_req, p) => ({ board: p.role }) },
        {
          route: RELAY_ROUTES.supervisorWhisper,
          run: (_req, p, [id]) => {
            if (p.role === 'agent') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Supervisors only.');
            return { conversationId: id };
          },
        },
      ],
      {
        claim: '/v1/supervisor/',
        onRelayError: (_req, p, path, err) => refused.push(`${p.role} ${path} ${err.code}`),
      },
    );
    const phone = scopedRoutes({ auth, log: pino({ level: 'silent' }) }, [
      { route: RELAY_ROUTES.agentPhone, run: (_req, _p, [id]) => ({ agentId: id }) },
    ]);
    const tables = [supervisor, phone];
    server = createServer((req, res) => {
      void (async () => {
        for (const t of tables) if (await t(req, res)) return;
        res.writeHead(599).end();
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const call = async (method: string, path: string, role?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: role ? { authorization: `Bearer ${role}` } : {},
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };

  it('answers its routes as JSON with the decoded parameters, for a signed-in caller', async () => {
    expect(await call('GET', '/v1/supervisor/board', 'admin')).toEqual({
      status: 200,
      body: { board: 'admin' },
    });
    expect(await call('POST', '/v1/supervisor/conversations/a%20b/whisper', 'supervisor')).toEqual({
      status: 200,
      body: { conversationId: 'a b' },
    });
  });

  it('refuses a wrong method (405) and an unknown path under its claim (404) before asking who it is', async () => {
    expect((await call('DELETE', '/v1/supervisor/board')).status).toBe(405);
    const none = await call('GET', '/v1/supervisor/nothing');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ error: { code: RELAY_ERR.NOT_FOUND } });
    expect((await call('PUT', '/v1/admin/agents/x/phone')).status).toBe(401);
  });

  it('passes on paths it does not claim', async () => {
    expect((await call('GET', '/v1/admin/agents/x/phone/more', 'admin')).status).toBe(599);
    expect((await call('GET', '/v1/other', 'admin')).status).toBe(599);
  });

  it('tells onRelayError of a refusal to a signed-in caller only', async () => {
    refused.length = 0;
    expect((await call('POST', '/v1/supervisor/conversations/c1/whisper', 'agent')).status).toBe(403);
    expect((await call('POST', '/v1/supervisor/conversations/c1/whisper')).status).toBe(401);
    expect(refused).toEqual([`agent /v1/supervisor/conversations/c1/whisper ${RELAY_ERR.FORBIDDEN}`]);
  });
});
