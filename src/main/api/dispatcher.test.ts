import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ERR, ExpectedError } from '../../shared/errors';
import { createSilentLogger } from '../base/logger';
import { createServices } from '../services';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { RelayHttpError } from '../sync/authClient';
import { createDispatcher } from './dispatcher';
import { createHandlers, type Handlers } from './handlers';

function setup() {
  const services = createServices({
    dataDir: mkdtempSync(join(tmpdir(), 'sb-dispatch-')),
    host: 'browser',
    version: '9.9.9',
    runtime: 'Node test',
    log: createSilentLogger(),
  });
  const handlers = createHandlers(services);
  return { services, handlers, dispatch: createDispatcher(handlers, services.log) };
}

describe('main/api/dispatcher', () => {
  it('answers a known call', async () => {
    const { dispatch } = setup();
    const r = await dispatch('app:getInfo', {});
    expect(r).toMatchObject({ ok: true, value: { name: 'Switchboard', version: '9.9.9', host: 'browser' } });
  });

  it('refuses unknown channels with a clear error', async () => {
    const { dispatch } = setup();
    for (const channel of ['fs:readFile', '', 42, null, '__proto__', 'constructor']) {
      const r = await dispatch(channel, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe(API_ERR.UNKNOWN_CHANNEL);
    }
  });

  it('refuses malformed arguments, naming the field, and changes nothing', async () => {
    const { dispatch, services } = setup();
    const before = services.settings.get();
    const pane = { listWidth: 320, sidebarWidth: 300, listCollapsed: false, sidebarCollapsed: false };
    for (const args of [
      { language: 'klingon' },
      { theme: 3 },
      { language: 'en', extra: true },
      'en',
      [1],
      { workspaceLayouts: { alex: { ...pane, listWidth: 5 } } },
      { workspaceLayouts: { alex: { ...pane, extra: 1 } } },
      { workspaceLayouts: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, pane])) },
    ]) {
      const r = await dispatch('settings:update', args);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe(API_ERR.INVALID_ARGS);
        expect(r.error.message).toContain('settings:update');
        expect(r.error.issues?.length).toBeGreaterThan(0);
      }
    }
    expect(services.settings.get()).toEqual(before);
  });

  it('reports a failing handler without leaking internals, and keeps expected errors', async () => {
    const { handlers, services } = setup();
    const broken: Handlers = {
      ...handlers,
      'app:getInfo': () => {
        throw new Error('secret internal detail');
      },
      'agent:getState': () => {
        throw new ExpectedError(API_ERR.UNAUTHORIZED, 'Sign in again.');
      },
    };
    const dispatch = createDispatcher(broken, services.log);
    const r = await dispatch('app:getInfo', {});
    expect(r).toMatchObject({ ok: false, error: { code: API_ERR.INTERNAL } });
    expect(JSON.stringify(r)).not.toContain('secret internal detail');
    expect(await dispatch('agent:getState', {})).toEqual({
      ok: false,
      error: { code: API_ERR.UNAUTHORIZED, message: 'Sign in again.' },
    });
  });

  it('answers every expected error, whatever layer threw it, with its code, sentence and extras', async () => {
    const { handlers, services } = setup();
    const broken: Handlers = {
      ...handlers,
      'app:getInfo': () => {
        throw new LocalError(LOCAL_ERR.KEY_LOST, 'The cache key is gone.', { pendingAtStake: 3 });
      },
      'agent:getState': () => {
        throw new RelayHttpError('RELAY_ERR_FORBIDDEN', 'Only admins may do this.', 403);
      },
    };
    const dispatch = createDispatcher(broken, services.log);
    expect(await dispatch('app:getInfo', {})).toEqual({
      ok: false,
      error: { code: LOCAL_ERR.KEY_LOST, message: 'The cache key is gone.', pendingAtStake: 3 },
    });
    expect(await dispatch('agent:getState', {})).toEqual({
      ok: false,
      error: { code: 'RELAY_ERR_FORBIDDEN', message: 'Only admins may do this.' },
    });
  });

  it('emits events when state changes', async () => {
    const { dispatch, services } = setup();
    const seen: string[] = [];
    services.events.subscribe((e) => seen.push(e));
    await dispatch('agent:setState', { state: 'available' });
    await dispatch('settings:update', { language: 'zh-TW' });
    expect(seen).toEqual(['agent:stateChanged', 'settings:changed']);
  });
});
