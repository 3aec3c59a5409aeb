import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcesUnder } from '../importCycles';
import type { Relay } from '../../../src/relay';
import { ADMIN, login, startTestRelay } from './helpers';

// Every room answers a method its route does not take the same way: 405, RELAY_ERR_NOT_FOUND in
// the relay's `{error:{code,message}}`, and an `Allow` header naming the methods it does take.

let relay: Relay & { dataDir: string };
let admin: string;

beforeAll(async () => {
  relay = await startTestRelay();
  admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
});

afterAll(async () => {
  await relay.close();
});

describe('a method a route does not take', () => {
  it.each([
    // The core routes (http/routes.ts), before asking who calls.
    ['GET', '/v1/auth/login', 'POST'],
    // The rooms with their own handlers.
    ['POST', '/v1/admin/audit', 'GET'],
    ['POST', '/v1/reports', 'GET'],
    ['PUT', '/v1/admin/inboxes/nope/api-keys', 'GET, POST'],
    ['POST', '/v1/supervisor/board', 'GET'],
    ['GET', '/v1/monitoring/grants', 'POST'],
    ['GET', '/v1/admin/teams/nope/recording', 'PUT'],
    ['POST', '/v1/admin/inboxes/nope/webhook', 'GET, PUT, DELETE'],
    // The update feed (its own answers until now: RELAY_ERR_VALIDATION, no Allow).
    ['POST', '/v1/admin/updates/stable/latest.yml', 'PUT, DELETE'],
    ['PUT', '/v1/admin/updates/stable', 'GET'],
    // The web chat widget's script (once `{error: 'Use GET.'}`) and its routes.
    ['POST', '/widget.js', 'GET, HEAD'],
    ['POST', '/v1/widget/config', 'GET'],
    ['GET', '/v1/widget/sessions', 'POST'],
    ['DELETE', '/v1/widget/attachments/abc', 'GET, HEAD'],
  ])('%s %s: 405 RELAY_ERR_NOT_FOUND with Allow: %s', async (method, path, allow) => {
    const res = await fetch(relay.url + path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: '{}' }),
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RELAY_ERR_NOT_FOUND');
    expect(body.error.message).toContain(method);
  });

  it('still answers the methods a route takes (the update feed lists a channel, HEAD gets the widget)', async () => {
    const list = await fetch(`${relay.url}/v1/admin/updates/stable`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ channel: 'stable', files: [] });
    const bad = await fetch(`${relay.url}/v1/admin/updates/Not_A_Channel`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('RELAY_ERR_VALIDATION');
    const missing = await fetch(`${relay.url}/updates/stable/nothing.yml`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('RELAY_ERR_NOT_FOUND');
    const stranger = await fetch(`${relay.url}/v1/admin/updates/stable`);
    expect(stranger.status).toBe(401);
  });

  it('is refused through methodNotAllowed everywhere in the relay, so no 405 goes without Allow', () => {
    const byHand = [...sourcesUnder('src/relay')]
      .filter(([path, text]) => path !== 'src/relay/core/errors.ts' && /[(,=]\s*405\b/.test(text))
      .map(([path]) => path);
    // The demo page answers HTML and sets its Allow itself.
    expect(byHand).toEqual(['src/relay/demo/page.ts']);
  });
});
