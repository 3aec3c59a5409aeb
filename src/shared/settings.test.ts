import { describe, expect, it } from 'vitest';
import { matchLanguage } from './settings';

describe('shared/settings', () => {
  it('maps system locales to the supported languages', () => {
    expect(matchLanguage('zh-CN')).toBe('zh-CN');
    expect(matchLanguage('zh-Hans-SG')).toBe('zh-CN');
    expect(matchLanguage('zh-TW')).toBe('zh-TW');
    expect(matchLanguage('zh-Hant-HK')).toBe('zh-TW');
    expect(matchLanguage('zh-HK')).toBe('zh-TW');
    expect(matchLanguage('en-GB')).toBe('en');
    expect(matchLanguage('fr')).toBe('en');
    expect(matchLanguage(undefined)).toBe('en');
  });
});
