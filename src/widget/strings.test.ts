import { describe, expect, it } from 'vitest';
import { createTranslator, pickLang, sizeText, STRINGS, type Lang } from './strings';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('widget/strings', () => {
  it('has every text in English, Simplified and Traditional Chinese, with the same placeholders', () => {
    expect(Object.keys(STRINGS).sort()).toEqual(['en', 'zh-CN', 'zh-TW']);
    const keys = Object.keys(STRINGS.en).sort();
    for (const lang of ['zh-CN', 'zh-TW'] as const) {
      expect(Object.keys(STRINGS[lang]).sort(), lang).toEqual(keys);
      for (const k of keys) {
        const key = k as keyof (typeof STRINGS)['en'];
        expect(STRINGS[lang][key].trim(), `${lang}.${k}`).not.toBe('');
        expect(placeholders(STRINGS[lang][key]), `${lang}.${k}`).toEqual(placeholders(STRINGS.en[key]));
      }
    }
  });

  it('speaks the language of the tag or the browser: Traditional for Taiwan, Hong Kong, Macau and Hant', () => {
    const cases: [string, Lang][] = [
      ['en', 'en'],
      ['en-GB', 'en'],
      ['fr-FR', 'en'],
      ['zh', 'zh-CN'],
      ['zh-CN', 'zh-CN'],
      ['zh-SG', 'zh-CN'],
      ['zh-TW', 'zh-TW'],
      ['zh-hk', 'zh-TW'],
      ['zh-MO', 'zh-TW'],
      ['zh-Hant-US', 'zh-TW'],
    ];
    for (const [tag, lang] of cases) expect(pickLang(tag), tag).toBe(lang);
  });

  it('fills placeholders as plain text and leaves unknown ones as written', () => {
    const en = createTranslator('en');
    expect(en('queue', 3)).toBe('You are number 3 in the queue.');
    expect(createTranslator('zh-TW')('queue', 2)).toBe('您目前排在第 2 位，請稍候。');
    expect(en('remove', { name: '<b>x</b>' })).toBe('Remove <b>x</b>');
    // A value that looks like a placeholder is not filled again.
    expect(en('offlineThanks', { name: '{email}', email: 'a@b.co', n: 8 })).toBe(
      'Thank you, {email}. We will answer by email at a@b.co within 8 hours.',
    );
    expect(en('download', { name: 'a.png' })).toBe('Download a.png ({size})');
  });

  it('says file sizes as people read them', () => {
    expect(sizeText(0)).toBe('0 B');
    expect(sizeText(1023)).toBe('1023 B');
    expect(sizeText(1536)).toBe('2 KB');
    expect(sizeText(10 * 1024 * 1024)).toBe('10 MB');
    expect(sizeText(1.25 * 1024 * 1024)).toBe('1.3 MB');
  });
});
