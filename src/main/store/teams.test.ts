import { describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING_POLICY } from '../../shared/recording';
import { DEFAULT_QUEUE_ROUTING } from '../../shared/routing';
import { teamSettings } from './teams';
import { change, clocksFor, openTestStore, relayClock } from './testHelpers';

const T1 = '0190a000-0000-7000-8000-0000000be001';
const T2 = '0190a000-0000-7000-8000-0000000be002';
const I1 = '0190a000-0000-7000-8000-0000000bf001';
const I2 = '0190a000-0000-7000-8000-0000000bf002';
const A1 = '0190a000-0000-7000-8000-0000000bd001';
const A2 = '0190a000-0000-7000-8000-0000000bd002';

const rec = (entity: 'team' | 'inbox' | 'agent', id: string, data: Record<string, unknown>) =>
  change(entity, id, data, clocksFor(data, relayClock(1)));

describe('main/store/teams', () => {
  it('reads team settings from synced records, defaults where none are stored or they are malformed', () => {
    const { store } = openTestStore();
    const recording = { enabled: true, consentText: 'Recorded.', playbackRoles: ['supervisor', 'admin'] };
    const routing = {
      strategy: 'skills',
      requiredSkills: ['lang:zh'],
      offerTimeoutMs: 20_000,
      overflow: null,
    };
    store.applyChanges(
      [
        rec('team', T1, { name: 'Shanghai', recording }),
        rec('team', T2, { name: 'London', recording: { enabled: 'yes' } }),
        rec('inbox', I1, { name: 'Shanghai chat', channel: 'chat', teamId: T1, routing }),
        rec('inbox', I2, { name: 'London email', channel: 'email', teamId: T2, routing: { strategy: 'x' } }),
        rec('agent', A1, {
          name: 'Li Na',
          email: 'li@example.com',
          role: 'agent',
          teamIds: [T1],
          skills: ['lang:zh'],
          capacity: { chat: 3 },
        }),
        rec('agent', A2, {
          name: 'Sam',
          email: 's@example.com',
          role: 'supervisor',
          teamIds: [T1, T2],
          skills: [],
        }),
      ],
      6,
    );

    const all = teamSettings(store.db, null);
    expect(all.teams.map((t) => t.name)).toEqual(['London', 'Shanghai']);
    expect(all.inboxes.map((i) => i.name)).toEqual(['London email', 'Shanghai chat']);
    const [london, shanghai] = all.teams;
    expect(shanghai).toMatchObject({ recording, inboxes: [{ id: I1, channel: 'chat', routing }] });
    expect(shanghai!.members).toEqual([
      {
        id: A1,
        name: 'Li Na',
        role: 'agent',
        skills: ['lang:zh'],
        capacity: { call: 1, chat: 3, email: 10 },
      },
      { id: A2, name: 'Sam', role: 'supervisor', skills: [], capacity: { call: 1, chat: 5, email: 10 } },
    ]);
    expect(london!.recording).toEqual(DEFAULT_RECORDING_POLICY);
    expect(london!.inboxes[0]!.routing).toEqual(DEFAULT_QUEUE_ROUTING);

    expect(teamSettings(store.db, [T2]).teams.map((t) => t.id)).toEqual([T2]);
    store.close();
  });
});
