import { z } from 'zod';

export const LANGUAGES = ['en', 'zh-CN', 'zh-TW'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof themeSchema>;

export const settingsSchema = z
  .object({
    language: languageSchema,
    theme: themeSchema,
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
