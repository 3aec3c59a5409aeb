import { describe, expect, it } from 'vitest';
import { WIDGET_SCRIPT } from './widgetScript';

describe('relay/channels/webchat/widgetScript', () => {
  it('is valid JavaScript that never inserts markup', () => {
    expect(() => new Function(WIDGET_SCRIPT)).not.toThrow();
    expect(WIDGET_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('has every string in English, Simplified and Traditional Chinese', () => {
    const m = /var STRINGS = (\{[\s\S]*?\n {2}\});/.exec(WIDGET_SCRIPT);
    const strings = JSON.parse(m![1]!) as Record<string, Record<string, string>>;
    expect(Object.keys(strings).sort()).toEqual(['en', 'zh-CN', 'zh-TW']);
    const keys = Object.keys(strings['en']!).sort();
    expect(Object.keys(strings['zh-CN']!).sort()).toEqual(keys);
    expect(Object.keys(strings['zh-TW']!).sort()).toEqual(keys);
    // Every key the script asks for exists.
    const used = [...WIDGET_SCRIPT.matchAll(/\btr\('(\w+)'/g)].map((x) => x[1]!);
    for (const k of used) expect(keys).toContain(k);
  });
});
