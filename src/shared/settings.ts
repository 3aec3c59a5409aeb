import { z } from 'zod';
import { MAX_SAVED_VIEWS, savedInboxViewSchema } from './inboxFilters';

export const LANGUAGES = ['en', 'zh-CN', 'zh-TW'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof themeSchema>;

/** A chosen audio device: its id, and its label to find it again if the id changes. */
export const devicePrefSchema = z.object({ id: z.string().max(256), label: z.string().max(256) }).strict();
export type DevicePref = z.infer<typeof devicePrefSchema>;
/** The softphone's devices: microphone, call audio (headset) and ringer; null: the system default. */
export const audioDevicesSchema = z
  .object({
    input: devicePrefSchema.nullable(),
    output: devicePrefSchema.nullable(),
    ring: devicePrefSchema.nullable(),
  })
  .strict();
export type AudioDevicePrefs = z.infer<typeof audioDevicesSchema>;
export const DEFAULT_AUDIO_DEVICES: AudioDevicePrefs = { input: null, output: null, ring: null };

/** The inbox workspace's panes as one agent left them: widths in CSS px, and which are hidden. */
export const workspaceLayoutSchema = z
  .object({
    listWidth: z.number().int().min(200).max(720),
    sidebarWidth: z.number().int().min(220).max(720),
    listCollapsed: z.boolean(),
    sidebarCollapsed: z.boolean(),
  })
  .strict();
export type WorkspaceLayout = z.infer<typeof workspaceLayoutSchema>;
/** Agents whose layout one workstation remembers (a shared desk keeps each agent's own). */
export const MAX_WORKSPACE_LAYOUTS = 50;
/** Layouts by agent id. */
export const workspaceLayoutsSchema = z
  .record(z.string().min(1).max(128), workspaceLayoutSchema)
  .refine((r) => Object.keys(r).length <= MAX_WORKSPACE_LAYOUTS, {
    message: `At most ${MAX_WORKSPACE_LAYOUTS} workspace layouts are kept.`,
  });

/** Saved inbox views by agent id (at most MAX_WORKSPACE_LAYOUTS agents, MAX_SAVED_VIEWS each). */
export const savedInboxViewsSchema = z
  .record(z.string().min(1).max(128), z.array(savedInboxViewSchema).max(MAX_SAVED_VIEWS))
  .refine((r) => Object.keys(r).length <= MAX_WORKSPACE_LAYOUTS, {
    message: `Saved views are kept for at most ${MAX_WORKSPACE_LAYOUTS} agents.`,
  });

export const settingsSchema = z
  .object({
    language: languageSchema,
    theme: themeSchema,
    /** Optional (added later); absent means every device is the system default. */
    audioDevices: audioDevicesSchema.optional(),
    /** Optional (added later); absent means each agent has the default layout. */
    workspaceLayouts: workspaceLayoutsSchema.optional(),
    /** Optional (added later); absent means no agent has saved a view. */
    savedInboxViews: savedInboxViewsSchema.optional(),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { language: 'en', theme: 'system' };

/** Picks the closest supported language for a BCP 47 tag such as `zh-Hant-HK`; defaults to English. */
export function matchLanguage(tag: string | undefined): Language {
  if (!tag) return 'en';
  const t = tag.toLowerCase();
  if (t.startsWith('zh')) {
    return /hant|-tw|-hk|-mo/.test(t) ? 'zh-TW' : 'zh-CN';
  }
  return 'en';
}
