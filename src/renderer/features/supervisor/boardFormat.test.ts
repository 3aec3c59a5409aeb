import { describe, expect, it } from 'vitest';
import type { BoardAgent, SupervisorBoard } from '../../../shared/supervisor';
import { createI18n } from '../../i18n';
import { activityOf, boardTotals, formatDuration, formatPercent, since, stateText } from './boardFormat';

const agent = (over: Partial<BoardAgent>): BoardAgent => ({
  id: 'a',
  name: 'A',
  role: 'agent',
  teamIds: [],
  state: 'available',
  reason: null,
  stateSince: '2026-01-01T00:00:00.000Z',
  connected: true,
  disconnectedSince: null,
  calls: [],
  chats: [],
  openEmails: 0,
  handledToday: 0,
  ...over,
});

describe('renderer/supervisor boardFormat', () => {
  it('reads durations as a clock', () => {
    expect(formatDuration(7_000)).toBe('0:07');
    expect(formatDuration(754_000)).toBe('12:34');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('never counts time backwards from a clock ahead of ours', () => {
    expect(since('2026-01-01T00:00:10.000Z', Date.parse('2026-01-01T00:00:00.000Z'))).toBe(0);
    expect(since(null, 5)).toBe(0);
  });

  it('says what an agent does, a call before their status, a drop before all', () => {
    const call = { conversationId: 'c', customerName: '', since: '', heldSince: null };
    expect(activityOf(agent({ calls: [{ ...call, state: 'held' }] }))).toBe('held');
    expect(activityOf(agent({ state: 'after-call-work' }))).toBe('after-call-work');
    expect(activityOf(agent({ connected: false, calls: [{ ...call, state: 'talking' }] }))).toBe(
      'disconnected',
    );
  });

  it('totals queues: service level over answered and abandoned, the oldest wait', () => {
    const q = {
      inboxId: 'i',
      name: 'n',
      channel: 'chat' as const,
      teamId: 't',
      offeredToday: 0,
      serviceLevel: null,
      targetMs: 20_000,
    };
    const board = {
      queues: [
        {
          ...q,
          waiting: 2,
          longestWaitSince: '2026-01-01T00:05:00.000Z',
          answeredToday: 3,
          answeredInTarget: 3,
          abandonedToday: 1,
          slaAtRisk: 1,
          slaBreached: 0,
        },
        {
          ...q,
          waiting: 1,
          longestWaitSince: '2026-01-01T00:01:00.000Z',
          answeredToday: 1,
          answeredInTarget: 0,
          abandonedToday: 0,
          slaAtRisk: 0,
          slaBreached: 2,
        },
      ],
    } as unknown as SupervisorBoard;
    const t = boardTotals(board);
    expect(t).toMatchObject({
      waiting: 3,
      longestWaitSince: '2026-01-01T00:01:00.000Z',
      abandoned: 1,
      breached: 2,
      atRisk: 1,
    });
    expect(formatPercent(t.serviceLevel)).toBe('60%');
    expect(formatPercent(null)).toBe('–');
  });

  it("says an away agent's reason in every language, and nothing of a reason with another state", () => {
    const said = (lang: 'en' | 'zh-CN' | 'zh-TW', a: Partial<BoardAgent>) =>
      stateText(createI18n(lang).t, agent(a));
    expect(said('en', { state: 'away', reason: 'lunch' })).toBe('Away · Lunch');
    expect(said('zh-CN', { state: 'away', reason: 'meeting' })).toBe('离开 · 会议');
    expect(said('zh-TW', { state: 'away', reason: 'training' })).toBe('離開 · 訓練');
    expect(said('en', { state: 'away', reason: null })).toBe('Away');
    expect(said('en', { state: 'available', reason: 'lunch' })).toBe('Available');
  });
});
