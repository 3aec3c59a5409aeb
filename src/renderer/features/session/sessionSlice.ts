import type { SessionState } from '../../../shared/session';
import type { SliceCreator } from '../../store/types';

export type SessionSlice = {
  session: SessionState | null;
  /** Bumped on every `data:changed` event; views that read the cache refetch when it moves. */
  dataVersion: number;
  setSession: (s: SessionState) => void;
  bumpData: () => void;
};

export const createSessionSlice: SliceCreator<SessionSlice> = (set) => ({
  session: null,
  dataVersion: 0,
  setSession: (session) => set({ session }),
  bumpData: () => set((s) => ({ dataVersion: s.dataVersion + 1 })),
});
