import { join } from 'node:path';
import { Menu, nativeImage, Tray } from 'electron';
import { SELECTABLE_AGENT_STATES, type AgentStateInfo } from '../../shared/agentState';
import type { Services } from '../services';

const LABELS: Record<AgentStateInfo['state'], string> = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
  'after-call-work': 'After-call work',
  offline: 'Offline',
};

/** A tray icon whose image and tooltip show the agent's state, with a menu to change it. */
export function createAgentTray(resourcesDir: string, services: Services, showWindow: () => void): Tray {
  const iconFor = (state: AgentStateInfo['state']) =>
    nativeImage.createFromPath(join(resourcesDir, 'icons', `tray-${state}.png`));
  const tray = new Tray(iconFor(services.agentState.get().state));
  const render = (info: AgentStateInfo) => {
    tray.setImage(iconFor(info.state));
    tray.setToolTip(`Switchboard: ${LABELS[info.state]}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: `Switchboard: ${LABELS[info.state]}`, enabled: false },
        { type: 'separator' },
        ...SELECTABLE_AGENT_STATES.map((s) => ({
          label: LABELS[s],
          type: 'radio' as const,
          checked: info.state === s,
          click: () => services.agentState.set(s),
        })),
        { type: 'separator' },
        { label: 'Show Switchboard', click: showWindow },
        { label: 'Quit', role: 'quit' as const },
      ]),
    );
  };
  render(services.agentState.get());
  services.events.subscribe((event, payload) => {
    if (event === 'agent:stateChanged') render(payload as AgentStateInfo);
  });
  tray.on('click', showWindow);
  return tray;
}
