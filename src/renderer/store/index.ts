import { create } from 'zustand';
import { devtools } from 'zustand/middleware';
import { createShellSlice, type ShellSlice } from '../features/shell/shellSlice';
import { createSettingsSlice, type SettingsSlice } from '../features/settings/settingsSlice';
import { createPhoneSlice, type PhoneSlice } from '../features/phone/phoneSlice';
import { createSessionSlice, type SessionSlice } from '../features/session/sessionSlice';
import { createInboxSlice, type InboxSlice } from '../features/inbox/inboxSlice';
import { createSupervisorSlice, type SupervisorSlice } from '../features/supervisor/supervisorSlice';
import { createCustomersSlice, type CustomersSlice } from '../features/customers/customersSlice';

import { createMonitoringSlice, type MonitoringSlice } from '../features/phone/monitoring/monitoringSlice';

export type RootState = ShellSlice &
  SettingsSlice &
  PhoneSlice &
  SessionSlice &
  InboxSlice &
  SupervisorSlice &
  CustomersSlice &
  MonitoringSlice;

/** Creates the window's one store from its slices; middleware only here, at the root. */
export function createRootStore() {
  return create<RootState>()(
    devtools(
      (...a) => ({
        ...createShellSlice(...a),
        ...createSettingsSlice(...a),
        ...createPhoneSlice(...a),
        ...createSessionSlice(...a),
        ...createInboxSlice(...a),
        ...createSupervisorSlice(...a),
        ...createCustomersSlice(...a),
        ...createMonitoringSlice(...a),
      }),
      { name: 'switchboard', enabled: false },
    ),
  );
}

export type RootStore = ReturnType<typeof createRootStore>;
