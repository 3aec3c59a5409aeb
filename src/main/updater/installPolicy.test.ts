import { describe, expect, it } from 'vitest';
import { decideInstall, type InstallContext } from './installPolicy';

const base: InstallContext = {
  inCall: false,
  pendingOutbox: 0,
  agentRequested: false,
  idleMs: 0,
  now: new Date('2026-11-23T10:00:00Z'),
  deadline: null,
};
const IDLE = 11 * 60_000;

describe('main/updater/installPolicy', () => {
  it('never installs during a call or with unsent changes, even when asked or past the deadline', () => {
    const past = new Date('2026-11-01T00:00:00Z');
    for (const ctx of [
      { ...base, inCall: true, agentRequested: true },
      { ...base, inCall: true, idleMs: IDLE, deadline: past },
      { ...base, pendingOutbox: 3, agentRequested: true },
      { ...base, pendingOutbox: 1, idleMs: IDLE, deadline: past },
    ]) {
      expect(decideInstall(ctx).install).toBe(false);
    }
    expect(decideInstall({ ...base, inCall: true }).reason).toBe('in-call');
    expect(decideInstall({ ...base, pendingOutbox: 2 }).reason).toBe('outbox-not-empty');
  });

  it('installs when the agent chooses, or at the next idle moment', () => {
    expect(decideInstall({ ...base, agentRequested: true })).toEqual({
      install: true,
      reason: 'agent-requested',
    });
    expect(decideInstall({ ...base, idleMs: IDLE })).toEqual({ install: true, reason: 'idle' });
    expect(decideInstall({ ...base, idleMs: 60_000 })).toEqual({ install: false, reason: 'agent-active' });
  });

  it("after IT's deadline installs at the next idle moment even if the agent turned idle installs off", () => {
    const opts = { installWhenIdle: false };
    expect(decideInstall({ ...base, idleMs: IDLE }, opts)).toEqual({
      install: false,
      reason: 'waiting-for-agent',
    });
    const late = { ...base, deadline: new Date('2026-11-23T09:00:00Z') };
    expect(decideInstall({ ...late, idleMs: IDLE }, opts)).toEqual({
      install: true,
      reason: 'deadline-idle',
    });
    expect(decideInstall({ ...late, idleMs: 1000 }, opts)).toEqual({
      install: false,
      reason: 'agent-active',
    });
    const early = { ...base, deadline: new Date('2026-11-24T00:00:00Z') };
    expect(decideInstall({ ...early, idleMs: IDLE }, opts).install).toBe(false);
  });
});
