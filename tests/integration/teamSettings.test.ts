// Team settings through main's handlers: a real relay, real services (encrypted cache, sync).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/main/api/handlers';
import type { Services } from '../../src/main/services';
import { LOCAL_ERR } from '../../src/main/base/errors';
import type { Relay } from '../../src/relay/index';
import { relayWithTeam, signedInSupervisor } from './store/relayHarness';
import { waitFor } from './sync/waitFor';

const POLICY = {
  enabled: true,
  consentText: '本通话将被录音。',
  playbackRoles: ['supervisor' as const, 'admin' as const],
};
let relay: Relay;
let services: Services;
let handlers: Handlers;
let teamId: string;
let otherTeamId: string;

beforeAll(async () => {
  const r = await relayWithTeam();
  relay = r.relay;
  teamId = r.team.id;
  otherTeamId = (await r.asAdmin('/v1/admin/teams', { name: 'Elsewhere' })).id;
  ({ services, handlers } = await signedInSupervisor(r, teamId));
});

afterAll(async () => {
  await services?.session.close();
  await relay?.close();
});

describe('main/api/teamSettings', () => {
  it("saves a supervisor's team policy on the relay and reads it back from the synced team record", async () => {
    expect(await handlers['teams:setRecording']({ teamId, policy: POLICY })).toEqual(POLICY);
    await waitFor(
      async () => (await handlers['teams:getSettings']({})).teams[0]?.recording.enabled === true,
      () => 'the team record with recording on',
    );
    const { teams } = await handlers['teams:getSettings']({});
    expect(teams.map((t) => [t.id, t.recording])).toEqual([[teamId, POLICY]]);
  });

  it("saves the team's connection-drop grace on the relay and reads it back from the synced team record", async () => {
    const before = (await handlers['teams:getSettings']({})).teams[0]!;
    expect(before.routing).toEqual({ awayGraceMs: 180_000 });
    expect(await handlers['teams:setAwayGrace']({ teamId, routing: { awayGraceMs: 300_000 } })).toEqual({
      awayGraceMs: 300_000,
    });
    await waitFor(
      async () => (await handlers['teams:getSettings']({})).teams[0]?.routing.awayGraceMs === 300_000,
      () => 'the team record with the new grace',
    );
    await expect(
      handlers['teams:setAwayGrace']({ teamId: otherTeamId, routing: { awayGraceMs: 300_000 } }),
    ).rejects.toMatchObject({ message: 'Only admins and the supervisors of this team may do this.' });
  });

  it("reports the relay's reason when it refuses", async () => {
    await expect(
      handlers['teams:setRecording']({ teamId: otherTeamId, policy: POLICY }),
    ).rejects.toMatchObject({
      code: LOCAL_ERR.INVALID_MUTATION,
      message: 'Only admins and the supervisors of this team may do this.',
    });
  });

  it('says the relay cannot be reached when it is gone, and still reads the settings', async () => {
    await relay.close();
    const { teams } = await handlers['teams:getSettings']({});
    const me = teams[0]!.members[0]!;
    await expect(
      handlers['teams:setAgentRouting']({ agentId: me.id, routing: { capacity: { chat: 2 } } }),
    ).rejects.toMatchObject({ code: LOCAL_ERR.OFFLINE });
  });
});
