import type { AppInfo } from '../../../shared/api';
import type { Settings } from '../../../shared/settings';
import type { SliceCreator } from '../../store/types';

export type SettingsSlice = {
  settings: Settings | null;
  appInfo: AppInfo | null;
  setSettings: (settings: Settings) => void;
  setAppInfo: (info: AppInfo) => void;
};

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set) => ({
  settings: null,
  appInfo: null,
  setSettings: (settings) => set({ settings }),
  setAppInfo: (appInfo) => set({ appInfo }),
});
