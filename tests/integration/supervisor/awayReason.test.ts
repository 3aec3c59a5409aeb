// Away with a reason, end to end below the UI: the agent's app (main's handlers over the real
// services: encrypted cache, sync client) tells the relay its status with the reason; the relay
// checks it and shows it on the board its supervisor's app watches; the app says it again, reason
// and all, when it connects anew.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/main/api/dispatcher';
import { createHandlers, type Handlers } from '../../../src/main/api/handlers';
import { createSilentLogger } from '../../../src/main/base/logger';
import { createServices, type Services } from '../../../src/main/services';
import type { Relay } from '../../../src/relay/index';
import { API_ERR } from '../../../src/shared/errors';
import type { BoardAgent } from '../../../src/shared/supervisor';
import { relayWithTeam, signedInSupervisor } from '../store/relayHarness';
import { waitFor } from '../sync/waitFor';

let relay: Relay;
let agentId: string;
let agent: { services: Services; handlers: Handlers };
let sup: { services: Services; handlers: Handlers };
const login = { email: 'ann@example.com', password: 'agent-pass-1', passphrase: 'ann passphrase' };

beforeAll(async () => {
  const r = await relayWithTeam();
  relay = r.relay;
  agentId = (await r.agent(login.email, 'Ann Agent')).id;
  sup = await signedInSupervisor(r, r.team.id);
  const services = createServices({
    dataDir: mkdtempSync(join(tmpdir(), 'sb-agent-app-')),
    host: 'browser',
    version: '0.0.0-test',
    runtime: 'Node test',
    log: createSilentLogger(),
    session: { vault: { keychain: null, scryptN: 2 ** 12 } },
  });
  await services.session.login({ relayUrl: relay.url, ...login });
  agent = { services, handlers: createHandlers(services) };
  await sup.handlers['supervisor:watch']({ on: true });
});

afterAll(async () => {
  await agent?.services.session.close();
  await sup?.services.session.close();
  await relay?.close();
});

/** Ann on the supervisor's board once `pred` holds for her. */
async function annWhere(pred: (a: BoardAgent) => boolean, what: string): Promise<BoardAgent> {
  let found: BoardAgent | undefined;
  await waitFor(
    async () => {
      const { board } = await sup.handlers['supervisor:watch']({ on: true });
      found = board?.agents.find((a) => a.id === agentId);
      return !!found && pred(found);
    },
    () => `Ann ${what} on the board (last: ${JSON.stringify(found)})`,
  );
  return found!;
}

describe('away reasons on the relay', () => {
  it("reach the supervisor's board with the state, and are told again on a new connection", async () => {
    const info = await agent.handlers['agent:setState']({ state: 'away', reason: 'lunch' });
    expect(info).toMatchObject({ state: 'away', reason: 'lunch' });
    const lunch = await annWhere((a) => a.connected && a.reason === 'lunch', 'away at lunch');
    expect(lunch.state).toBe('away');

    await agent.handlers['agent:setState']({ state: 'away', reason: 'training' });
    await annWhere((a) => a.reason === 'training', 'away in training');

    // Signed out, the app keeps the agent's status (a meeting now); signing in tells the relay.
    await agent.services.session.close();
    await annWhere((a) => !a.connected, 'disconnected');
    await agent.handlers['agent:setState']({ state: 'away', reason: 'meeting' });
    await agent.services.session.login({ relayUrl: relay.url, ...login });
    const again = await annWhere(
      (a) => a.connected && a.reason === 'meeting',
      'connected again, in a meeting',
    );
    expect(again.state).toBe('away');

    await agent.handlers['agent:setState']({ state: 'available' });
    const available = await annWhere((a) => a.state === 'available', 'available');
    expect(available.reason).toBeNull();
  });

  it('are checked by the app before they leave it: a reason not on the list, or with another state', async () => {
    const dispatch = createDispatcher(agent.handlers, createSilentLogger());
    for (const args of [
      { state: 'away', reason: 'nap' },
      { state: 'available', reason: 'lunch' },
    ]) {
      const r = await dispatch('agent:setState', args);
      expect(r).toMatchObject({ ok: false, error: { code: API_ERR.INVALID_ARGS } });
    }
    expect(agent.services.agentState.get()).toMatchObject({ state: 'available' });
  });
});
