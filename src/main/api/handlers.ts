import type { CallChannel } from '../../shared/channels';
import type { CallArgs, CallResult } from '../../shared/api';
import { definedOnly } from '../../shared/objects';
import type { Services } from '../services';
import { createAdminHandlers } from './adminHandlers';
import { createTeamSettingsHandlers } from './teamSettings';
import { createWorkspaceHandlers } from './workspaceHandlers';

export type Handlers = { [C in CallChannel]: (args: CallArgs<C>) => CallResult<C> | Promise<CallResult<C>> };

/** One handler per call of the contract; arguments arrive already validated. */
export function createHandlers(s: Services): Handlers {
  const workspace = createWorkspaceHandlers(s.workspace);
  return {
    'app:getInfo': () => s.appInfo(),
    'settings:get': () => s.settings.get(),
    'settings:update': (patch) => s.settings.update(definedOnly(patch)),
    'agent:getState': () => s.agentState.get(),
    'agent:setState': ({ state }) => s.agentState.set(state),
    'phone:setCallActive': ({ active }) => s.activity.setCallActive(active),
    'phone:getAccount': () => s.phone.get(),
    'phone:saveAccount': ({ account, password }) => s.phone.save(account, password),
    'phone:getCredentials': () => s.phone.credentials(),
    'updates:getStatus': () => s.updates.get(),
    'updates:check': () => s.updates.check(),
    'updates:installNow': () => s.updates.installNow(),
    ...workspace,
    ...createTeamSettingsHandlers(s.workspace),
    ...createAdminHandlers(s.workspace),
    'calls:log': (a) => {
      const logged = workspace['calls:log'](a);
      if (a.recording) void s.recordings.upload();
      return logged;
    },
    'recordings:policy': () => s.recordings.policy(),
    'recordings:save': (a) => s.recordings.save(a),
    'recordings:read': ({ id, offset }) => s.recordings.read(id, offset),
  };
}
