import type { MonitorMode } from '../../../../shared/monitoring';
import type { SliceCreator } from '../../../store/types';

/** What the supervisor's Live calls can do; set by the monitoring controller once the phone exists. */
export type MonitorControls = {
  /** Asks the relay for a grant and calls the agent's softphone with it. */
  start: (conversationId: string, mode: MonitorMode) => Promise<void>;
  /** A new grant for the new mode, sent in the session's dialog (nothing is renegotiated). */
  setMode: (mode: MonitorMode) => Promise<void>;
  leave: () => void;
};

/** The supervisor's own monitoring session (one at a time). */
export type SupervisorSession = {
  conversationId: string;
  mode: MonitorMode;
  state: 'requesting' | 'calling' | 'joined' | 'ended';
  /** Why it ended or a switch failed, as a sentence; null when all is well. */
  error: string | null;
};

/** A supervisor on one of this agent's calls (by the phone's call id); shown if the team says so. */
export type MonitoredCall = { supervisorName: string; mode: MonitorMode; shown: boolean };

export type MonitoringSlice = {
  monitorSession: SupervisorSession | null;
  monitoredCalls: Record<string, MonitoredCall>;
  monitorCtl: MonitorControls | null;
};

export const createMonitoringSlice: SliceCreator<MonitoringSlice> = () => ({
  monitorSession: null,
  monitoredCalls: {},
  monitorCtl: null,
});
