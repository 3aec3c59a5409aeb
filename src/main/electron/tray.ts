import { join } from 'node:path';
import { Menu, nativeImage, Tray } from 'electron';
import { SELECTABLE_AGENT_STATES, type AgentStateInfo } from '../../shared/agentState';
import type { RingingCall } from '../../shared/api';
import type { Services } from '../services';
import { callNotificationText } from '../services/notificationText';

const LABELS: Record<AgentStateInfo['state'], string> = {
  available: 'Available',
  busy: 'Busy',
  away: 'Away',
  'after-call-work': 'After-call work',
  offline: 'Offline',
};

/**
 * A tray icon whose image and tooltip show the agent's state, with a menu to change it; while a
 * call rings, the tooltip names the caller and the menu starts with Answer and Decline.
 */
export function createAgentTray(resourcesDir: string, services: Services, showWindow: () => void): Tray {
  const iconFor = (state: AgentStateInfo['state']) =>
    nativeImage.createFromPath(join(resourcesDir, 'icons', `tray-${state}.png`));
  const tray = new Tray(iconFor(services.agentState.get().state));
  let ringing: RingingCall[] = [];
  const callItems = () =>
    ringing.flatMap((c) => {
      const text = callNotificationText(services.settings.get().language, c);
      const act = (action: 'answer' | 'decline') => () => {
        services.activity.callAction(c.callId, action);
        if (action === 'answer') showWindow();
      };
      return [
        { label: text.tray, enabled: false },
        { label: text.answer, click: act('answer') },
        { label: text.decline, click: act('decline') },
        { type: 'separator' as const },
      ];
    });
  const render = (info: AgentStateInfo) => {
    tray.setImage(iconFor(info.state));
    const first = ringing[0];
    tray.setToolTip(
      first
        ? callNotificationText(services.settings.get().language, first).tray
        : `Switchboard: ${LABELS[info.state]}`,
    );
    tray.setContextMenu(
      Menu.buildFromTemplate([
        ...callItems(),
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
    if (event === 'phone:ringingChanged') {
      ringing = payload as RingingCall[];
      render(services.agentState.get());
    }
  });
  tray.on('click', showWindow);
  return tray;
}
