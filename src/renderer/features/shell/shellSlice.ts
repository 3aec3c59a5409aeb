import type { AgentStateInfo } from '../../../shared/agentState';
import type { TransportStatus } from '../../api/transport';
import type { SliceCreator } from '../../store/types';

// Admin is last so everyone's Alt+N numbers are the same; only admins see it.
export const VIEWS = ['inbox', 'phone', 'customers', 'supervisor', 'settings', 'admin'] as const;
export type View = (typeof VIEWS)[number];

export type ShellSlice = {
  view: View;
  connection: TransportStatus;
  agent: AgentStateInfo | null;
  error: string | null;
  setView: (view: View) => void;
  setConnection: (status: TransportStatus) => void;
  setAgent: (agent: AgentStateInfo) => void;
  setError: (message: string | null) => void;
};

export const createShellSlice: SliceCreator<ShellSlice> = (set) => ({
  view: 'inbox',
  connection: 'connecting',
  agent: null,
  error: null,
  setView: (view) => set({ view }),
  setConnection: (connection) => set({ connection }),
  setAgent: (agent) => set({ agent }),
  setError: (error) => set({ error }),
});
