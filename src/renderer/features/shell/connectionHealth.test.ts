import { describe, expect, it } from 'vitest';
import { summarizeHealth, type HealthInput } from './connectionHealth';

const fine: HealthInput = {
  connection: 'open',
  sync: { status: 'online', pending: 0 },
  rejected: 0,
  registration: 'registered',
};

describe('renderer/features/shell/connectionHealth', () => {
  it('says connected when the app, the relay and the phone are', () => {
    expect(summarizeHealth(fine)).toEqual({ level: 'ok', key: 'ok', count: 0 });
    // No phone in use and signed out are not problems.
    expect(summarizeHealth({ ...fine, sync: null, registration: 'stopped' }).key).toBe('ok');
  });

  it('names the first thing to fix: the app, then the relay, then the phone', () => {
    const offline = { status: 'offline', pending: 3 } as const;
    expect(summarizeHealth({ ...fine, connection: 'unauthorized', sync: offline }).key).toBe(
      'appUnauthorized',
    );
    expect(summarizeHealth({ ...fine, connection: 'reconnecting', sync: offline }).key).toBe(
      'appReconnecting',
    );
    expect(summarizeHealth({ ...fine, sync: offline, registration: 'reconnecting' })).toEqual({
      level: 'degraded',
      key: 'offline',
      count: 3,
    });
    expect(summarizeHealth({ ...fine, registration: 'failed', sync: offline }).level).toBe('problem');
    expect(summarizeHealth({ ...fine, rejected: 2 })).toEqual({
      level: 'problem',
      key: 'rejected',
      count: 2,
    });
    expect(summarizeHealth({ ...fine, registration: 'connecting' }).key).toBe('phoneConnecting');
    expect(summarizeHealth({ ...fine, sync: { status: 'online', pending: 4 } })).toEqual({
      level: 'ok',
      key: 'sending',
      count: 4,
    });
  });
});
