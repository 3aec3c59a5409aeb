import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/session';
import type { ApiClient } from '../api/client';
import type { TransportStatus } from '../api/transport';
import { createRootStore } from '../store';
import { connectApp } from './bootstrap';

const session = (status: SessionState['sync']['status']): SessionState => ({
  status: 'signedIn',
  relayUrl: 'http://127.0.0.1:1',
  email: 'agent@demo.switchboard',
  agent: { id: 'a1', name: 'Agent One', role: 'agent' },
  protection: 'passphrase',
  sync: { status, pending: 0 },
  rejected: 0,
  notice: null,
});

/** An API whose calls answer only when the test says so, and whose events the test emits. */
function controllableApi() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: TransportStatus) => void>();
  const pending: Array<{ channel: string; resolve: (v: unknown) => void }> = [];
  const api = {
    kind: 'browser',
    call: (channel: string) => new Promise((resolve) => pending.push({ channel, resolve })),
    on: (event: string, l: (p: unknown) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(l);
      return () => listeners.get(event)!.delete(l);
    },
    onStatus: (l: (s: TransportStatus) => void) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
  } as unknown as ApiClient;
  const answers: Record<string, unknown> = {
    'settings:get': { language: 'en', theme: 'light', audioDevices: {} },
    'app:getInfo': { name: 'Switchboard', version: '0.0.0', platform: 'linux', host: 'browser' },
    'agent:getState': { state: 'available' },
    'updates:getStatus': { state: 'idle' },
    'inbox:listOffers': [],
  };
  return {
    api,
    open: () => statusListeners.forEach((l) => l('open')),
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    /** Answers every call, including those made after earlier answers, until none is left. */
    answerAll: async (overrides: Record<string, unknown>) => {
      for (let round = 0; round < 10; round++) {
        for (const p of pending.splice(0)) p.resolve(overrides[p.channel] ?? answers[p.channel]);
        await new Promise((r) => setTimeout(r, 0));
      }
    },
  };
}

describe('renderer/app/connectApp', () => {
  it('keeps a status main pushed while the initial load was in flight (no stale "Connecting")', async () => {
    const fake = controllableApi();
    const store = createRootStore();
    const off = connectApp(fake.api, store, i18next);
    fake.open();
    // The snapshot was taken while the sync client was still connecting...
    // ...and before it arrives, main says the client is online.
    fake.emit('session:changed', session('online'));
    await fake.answerAll({ 'session:get': session('connecting') });
    expect(store.getState().session?.sync.status).toBe('online');
    off();
  });

  it('uses the snapshot when nothing newer came, and a later reload takes a fresh one', async () => {
    const fake = controllableApi();
    const store = createRootStore();
    const off = connectApp(fake.api, store, i18next);
    fake.open();
    await fake.answerAll({ 'session:get': session('syncing') });
    expect(store.getState().session?.sync.status).toBe('syncing');
    // The transport reconnects: a fresh load is not blocked by the events of the previous one.
    fake.emit('session:changed', session('offline'));
    fake.open();
    await fake.answerAll({ 'session:get': session('online') });
    expect(store.getState().session?.sync.status).toBe('online');
    off();
  });

  it('has the views on screen ask again on each connection, and those shown during the load only once', async () => {
    const fake = controllableApi();
    const store = createRootStore();
    const off = connectApp(fake.api, store, i18next);
    fake.open();
    // Main says the agent is signed in before the load answers: the inbox shows and asks for its
    // rows at this data version (100,000 of them counted), which the load's answers keep.
    fake.emit('session:changed', session('connecting'));
    const shown = store.getState().dataVersion;
    await fake.answerAll({ 'session:get': session('connecting') });
    expect(store.getState().dataVersion).toBe(shown);
    // Main was out of reach for a while: what is on screen may have missed changes.
    fake.open();
    expect(store.getState().dataVersion).toBeGreaterThan(shown);
    off();
  });
});
