import { join } from 'node:path';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../shared/settings';
import { definedOnly } from '../../shared/objects';
import type { EventHub } from '../base/events';
import { readJsonFile, writeJsonFileAtomic } from '../base/jsonFile';
import type { Logger } from '../base/logger';

/** The agent's preferences (language, theme), kept in `<dataDir>/settings.json`. */
export class SettingsService {
  private settings: Settings;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly events: EventHub,
    private readonly log: Logger,
  ) {
    this.file = join(dataDir, 'settings.json');
    const raw = readJsonFile(this.file);
    const parsed = settingsSchema.partial().safeParse(raw ?? {});
    if (!parsed.success) {
      this.log.warn({ file: this.file }, 'settings file is invalid; using defaults');
    }
    this.settings = { ...DEFAULT_SETTINGS, ...(parsed.success ? definedOnly(parsed.data) : {}) };
  }

  get(): Settings {
    return { ...this.settings };
  }

  update(patch: Partial<Settings>): Settings {
    const next = { ...this.settings, ...definedOnly(patch) };
    writeJsonFileAtomic(this.file, next);
    this.settings = next;
    this.log.info({ settings: next }, 'settings updated');
    this.events.emit('settings:changed', this.get());
    return this.get();
  }
}
