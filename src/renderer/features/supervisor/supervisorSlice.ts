import type { BoardAccess, SupervisorBoard, SupervisorNotice } from '../../../shared/supervisor';
import type { SliceCreator } from '../../store/types';

/** The Supervisor place's tabs, in order. */
export const SUPERVISOR_TABS = ['live', 'reports', 'settings'] as const;
export type SupervisorTab = (typeof SUPERVISOR_TABS)[number];

export type SupervisorSlice = {
  /** The Supervisor place's open tab (kept while the agent visits other places). */
  supervisorTab: SupervisorTab;
  setSupervisorTab: (tab: SupervisorTab) => void;
  /** The live board as the relay last pushed it (while the live view watches), else null. */
  board: SupervisorBoard | null;
  /** What the watched board lost last (a team taken away, the role changed), until dismissed. */
  boardAccessLost: BoardAccess | null;
  setBoardAccessLost: (lost: BoardAccess | null) => void;
  /** What supervisors did to this agent (status, routing, reassignments, whispers), until dismissed. */
  supervisorNotices: SupervisorNotice[];
  setBoard: (board: SupervisorBoard | null) => void;
  setSupervisorNotices: (notices: SupervisorNotice[]) => void;
};

export const createSupervisorSlice: SliceCreator<SupervisorSlice> = (set) => ({
  supervisorTab: 'live',
  setSupervisorTab: (supervisorTab) => set({ supervisorTab }),
  board: null,
  boardAccessLost: null,
  setBoardAccessLost: (boardAccessLost) => set({ boardAccessLost }),
  supervisorNotices: [],
  setBoard: (board) => set({ board }),
  setSupervisorNotices: (supervisorNotices) => set({ supervisorNotices }),
});
