import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BoardAccess, BoardQueue, SupervisorBoard } from '../../../shared/supervisor';
import { createI18n } from '../../i18n';
import { Wallboard } from './Wallboard';

afterEach(cleanup);

const now = Date.parse('2026-12-02T10:00:00.000Z');
const ago = (s: number) => new Date(now - s * 1000).toISOString();
const queue = (over: Partial<BoardQueue>): BoardQueue => ({
  inboxId: 'q1',
  name: 'Support chat',
  channel: 'chat',
  teamId: 't1',
  waiting: 0,
  longestWaitSince: null,
  offeredToday: 0,
  answeredToday: 0,
  answeredInTarget: 0,
  abandonedToday: 0,
  serviceLevel: null,
  targetMs: 60_000,
  slaAtRisk: 0,
  slaBreached: 0,
  ...over,
});
const board: SupervisorBoard = {
  at: ago(1),
  dayStart: '2026-12-02T00:00:00.000Z',
  all: false,
  teams: [{ id: 't1', name: 'Support' }],
  atRiskMs: 900_000,
  queues: [
    queue({
      waiting: 11,
      longestWaitSince: ago(150),
      answeredToday: 9,
      answeredInTarget: 5,
      abandonedToday: 1,
      serviceLevel: 0.5,
    }),
  ],
  agents: [
    {
      id: 'a1',
      name: 'Alex Agent',
      role: 'agent',
      teamIds: ['t1'],
      state: 'busy',
      reason: null,
      stateSince: ago(200),
      connected: true,
      disconnectedSince: null,
      calls: [
        {
          conversationId: 'c1',
          customerName: 'Wang Fang',
          state: 'held',
          since: ago(90),
          heldSince: ago(30),
        },
      ],
      chats: [],
      openEmails: 0,
      handledToday: 4,
    },
    {
      id: 'a2',
      name: '李娜',
      role: 'agent',
      teamIds: ['t1'],
      state: 'available',
      reason: null,
      stateSince: ago(10),
      connected: false,
      disconnectedSince: ago(65),
      calls: [],
      chats: [],
      openEmails: 0,
      handledToday: 0,
    },
  ],
};

function show(
  props: {
    connected?: boolean;
    lang?: 'en' | 'zh-CN';
    onExit?: () => void;
    accessLost?: BoardAccess | null;
  } = {},
) {
  render(
    <I18nextProvider i18n={createI18n(props.lang ?? 'en')}>
      <Wallboard
        board={board}
        now={now}
        connected={props.connected ?? true}
        accessLost={props.accessLost ?? null}
        onExit={props.onExit ?? (() => {})}
      />
    </I18nextProvider>,
  );
  return screen.getByRole('region', { name: props.lang === 'zh-CN' ? '大屏' : 'Wallboard' });
}

describe('renderer/supervisor/Wallboard', () => {
  it('says what the board lost and what to do, in words on the board itself', () => {
    const at = ago(0);
    const wb = show({
      accessLost: { reason: 'teams', teams: [{ id: 't2', name: 'Billing' }], ended: false, at },
    });
    expect(within(wb).getByRole('alert').textContent).toMatch(
      /You no longer supervise Billing.*ask an admin to add you back/,
    );
    cleanup();
    const ended = show({ accessLost: { reason: 'role', teams: [], ended: true, at }, lang: 'zh-CN' });
    expect(within(ended).getByRole('alert').textContent).toMatch(/不再是主管或管理员.*停止更新/);
    cleanup();
    const narrowed = show({ accessLost: { reason: 'role', teams: [], ended: false, at } });
    expect(within(narrowed).getByRole('alert').textContent).toMatch(/no longer an admin/);
    cleanup();
    expect(within(show()).queryByRole('alert')).toBeNull();
  });

  it('shows the figures large, each level in words as well as colour', () => {
    const wall = show();
    const waiting = within(wall).getByRole('group', { name: 'Waiting' });
    expect(waiting.textContent).toBe('Waiting11Act now');
    expect(within(wall).getByRole('group', { name: 'Longest wait' }).textContent).toBe(
      'Longest wait2:30Act now',
    );
    expect(within(wall).getByRole('group', { name: 'Service level' }).textContent).toBe(
      'Service level50%Act now',
    );
    expect(within(wall).getByRole('group', { name: 'SLA breached' }).textContent).toBe('SLA breached0');
  });

  it('shows what each agent does and for how long: a held call, a dropped connection', () => {
    const wall = show();
    const agents = within(wall).getByRole('list', { name: 'Agents' });
    expect(within(agents).getByRole('listitem', { name: 'Alex Agent' }).textContent).toBe(
      'Alex AgentOn hold0:30Wang Fang',
    );
    expect(within(agents).getByRole('listitem', { name: '李娜' }).textContent).toBe('李娜Disconnected1:05');
  });

  it('says since when its figures are while the relay cannot be reached', () => {
    const wall = show({ connected: false });
    expect(within(wall).getByRole('status').textContent).toMatch(
      /^The relay cannot be reached: figures as of .+\. It reconnects by itself\.$/,
    );
  });

  it('speaks Chinese, and leaves full screen with Escape', () => {
    const onExit = vi.fn();
    const wall = show({ lang: 'zh-CN', onExit });
    expect(within(wall).getByRole('group', { name: '等待中' }).textContent).toBe('等待中11需立即处理');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onExit).toHaveBeenCalled();
  });
});
