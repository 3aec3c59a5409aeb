import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../base/logger';
import { EventHub } from '../base/events';
import { SettingsService } from './settingsService';

const make = (dir: string) => new SettingsService(dir, new EventHub(), createSilentLogger());

describe('main/services/settingsService', () => {
  it('starts with defaults and remembers changes across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-settings-'));
    expect(make(dir).get()).toEqual({ language: 'en', theme: 'system' });
    make(dir).update({ language: 'zh-CN' });
    expect(make(dir).get()).toEqual({ language: 'zh-CN', theme: 'system' });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({
      language: 'zh-CN',
      theme: 'system',
    });
    if (process.platform !== 'win32') expect(statSync(join(dir, 'settings.json')).mode & 0o077).toBe(0);
  });

  it("remembers each agent's workspace layout beside language and theme", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-settings-'));
    const alex = { listWidth: 400, sidebarWidth: 260, listCollapsed: false, sidebarCollapsed: true };
    make(dir).update({ workspaceLayouts: { alex } });
    make(dir).update({ theme: 'dark' });
    expect(make(dir).get()).toEqual({ language: 'en', theme: 'dark', workspaceLayouts: { alex } });
  });

  it('survives a corrupt or hostile settings file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-settings-'));
    writeFileSync(join(dir, 'settings.json'), '{"language": "<img src=x onerror=alert(1)>"');
    expect(make(dir).get()).toEqual({ language: 'en', theme: 'system' });
    writeFileSync(join(dir, 'settings.json'), '{"language": "xx", "theme": "dark"}');
    expect(make(dir).get()).toEqual({ language: 'en', theme: 'system' });
  });
});
