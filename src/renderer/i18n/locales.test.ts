import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import zhTW from './locales/zh-TW.json';

// i18next plural forms: English has _one/_other, Chinese only _other; compare on the base key.
function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null
      ? keys(v as object, `${prefix}${k}.`)
      : [`${prefix}${k.replace(/_(one|other)$/, '')}`],
  );
}
const set = (o: object) => [...new Set(keys(o))].sort();

describe('renderer/i18n locales', () => {
  it('Simplified and Traditional Chinese translate every English string', () => {
    expect(set(zhCN)).toEqual(set(en));
    expect(set(zhTW)).toEqual(set(en));
  });

  it('keeps interpolation placeholders in every translation', () => {
    const flat = (o: object, p = ''): [string, string][] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' ? flat(v as object, `${p}${k}.`) : [[`${p}${k}`, String(v)]],
      );
    const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
    const enMap = new Map(flat(en).map(([k, v]) => [k.replace(/_(one|other)$/, ''), v]));
    for (const loc of [zhCN, zhTW]) {
      for (const [k, v] of flat(loc)) {
        const source = enMap.get(k.replace(/_(one|other)$/, ''));
        expect(placeholders(v), k).toEqual(placeholders(source ?? ''));
      }
    }
  });
});
