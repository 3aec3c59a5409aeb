import type { AppInfo } from '../../../shared/api';
import type { Settings } from '../../../shared/settings';
import type { UpdateStatus } from '../../../shared/updates/status';
import type { SliceCreator } from '../../store/types';

export type SettingsSlice = {
  settings: Settings | null;
  appInfo: AppInfo | null;
  updates: UpdateStatus | null;
  setUpdates: (u: UpdateStatus) => void;
  setSettings: (settings: Settings) => void;
  setAppInfo: (info: AppInfo) => void;
};

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set) => ({
  settings: null,
  appInfo: null,
  updates: null,
  setUpdates: (updates) => set({ updates }),
  setSettings: (settings) => set({ settings }),
  setAppInfo: (appInfo) => set({ appInfo }),
});
