import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ERR } from '../../shared/errors';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { createSilentLogger } from '../base/logger';
import { LOCAL_ERR } from '../base/errors';
import { createServices } from '.';

function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-transport-'));
  const services = createServices({
    dataDir,
    host: 'browser',
    version: '9.9.9',
    runtime: 'Node test',
    log: createSilentLogger(),
  });
  return { dataDir, services, dispatch: createDispatcher(createHandlers(services), services.log) };
}

const account = { email: 'agent@demo.switchboard', password: 'switchboard-demo' };

describe('main/services relay transport', () => {
  it('refuses to sign in to a remote relay over plain http, saying what to use instead', async () => {
    const { dispatch, services } = setup();
    const r = await dispatch('session:login', { relayUrl: 'http://192.0.2.7:8787', ...account });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(API_ERR.INVALID_ARGS);
      expect(r.error.issues?.join(' ')).toMatch(/https:\/\//);
    }
    // Main checks again below the API (the environment's SWITCHBOARD_RELAY_URL takes this path).
    await expect(services.session.login({ relayUrl: 'ws://relay.example.com', ...account })).rejects.toThrow(
      expect.objectContaining({
        code: LOCAL_ERR.INSECURE_RELAY,
        message: expect.stringMatching(/unencrypted/),
      }),
    );
    expect(services.session.state().status).toBe('signedOut');
  });

  it('lets a loopback http relay through to the sign-in itself', async () => {
    const { dispatch } = setup();
    const r = await dispatch('session:login', { relayUrl: 'http://127.0.0.1:1', ...account });
    expect(r.ok).toBe(false);
    if (!r.ok) expect([API_ERR.INVALID_ARGS, LOCAL_ERR.INSECURE_RELAY]).not.toContain(r.error.code);
  });

  it('does not reconnect to a remembered remote http relay, and says why', async () => {
    const { dataDir, services } = setup();
    writeFileSync(
      join(dataDir, 'profile.json'),
      JSON.stringify({ relayUrl: 'http://10.0.0.9:8787', ...account }),
    );
    const s = await services.session.resume();
    expect(s.status).toBe('signedOut');
    expect(s.notice).toMatchObject({ code: LOCAL_ERR.INSECURE_RELAY });
  });
});
