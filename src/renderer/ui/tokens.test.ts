import { describe, expect, it } from 'vitest';
// Vite's ?raw import gives the stylesheet's text; the renderer may not import node:fs (lint), and
// new URL(import.meta.url) does not resolve to a file under jsdom.
import css from '../styles.css?raw';

/** The custom properties declared directly in the first rule whose selector is exactly `selector`. */
function tokens(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`styles.css has no rule for ${selector}`);
  const body = css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  const out = new Map<string, string>();
  for (const m of body.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/(--[a-z0-9-]+)\s*:\s*([^;]+);/g)) {
    out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/** Resolves a token to a #rrggbb colour, following var() references within the theme. */
function colour(theme: Map<string, string>, name: string): string {
  let value = theme.get(name);
  for (let hops = 0; value?.startsWith('var(') && hops < 5; hops++)
    value = theme.get(value.slice(4, -1).trim());
  if (!value || !/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) {
    throw new Error(`${name} is not a hex colour: ${String(value)}`);
  }
  return value.length === 4 ? `#${[...value.slice(1)].map((c) => c + c).join('')}` : value;
}

/** WCAG 2.x relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2.x contrast ratio between two colours, 1 to 21. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT = 4.5; // WCAG 1.4.3, body text
const UI = 3; // WCAG 1.4.11, control edges, focus rings, status dots (and 1.4.3 for large text)

const SURFACES = ['--bg', '--panel', '--panel-2'];
/** Every foreground the stylesheet draws on a background, with the ratio it needs. */
const PAIRS: readonly [fg: string, bg: string, min: number][] = [
  ...['--text', '--muted', '--accent', '--danger', '--ok', '--warn'].flatMap((fg) =>
    SURFACES.map((bg) => [fg, bg, TEXT] as [string, string, number]),
  ),
  ['--accent-text', '--accent', TEXT],
  ['--accent-text', '--accent-hover', TEXT],
  ['--danger-text', '--danger', TEXT],
  ['--ok-text', '--ok', TEXT],
  ...[
    '--border-strong',
    '--focus',
    '--status-available',
    '--status-away',
    '--status-busy',
    '--status-offline',
  ].flatMap((fg) => SURFACES.map((bg) => [fg, bg, UI] as [string, string, number])),
  ['--callbar-text', '--callbar-bg', TEXT],
  ['--callbar-muted', '--callbar-bg', TEXT],
  ['--callbar-ring', '--callbar-bg', TEXT],
  ['--callbar-danger', '--callbar-bg', TEXT],
  ['--callbar-focus', '--callbar-bg', UI],
  ['--callbar-on-accent', '--callbar-ok', TEXT],
  ['--callbar-on-accent', '--callbar-danger', TEXT],
  ['--callbar-ok', '--callbar-bg', UI],
  ['--callbar-danger', '--callbar-bg', UI],
];

describe('renderer/styles tokens', () => {
  const light = tokens(':root');
  // The dark theme overrides colours; everything it does not name comes from :root.
  const dark = new Map([...light, ...tokens(":root[data-theme='dark']")]);

  it('keeps the token names the features use', () => {
    for (const name of ['--bg', '--panel', '--text', '--muted', '--border', '--accent', '--accent-text']) {
      expect(light.has(name), name).toBe(true);
    }
    for (const name of ['--danger', '--ok', '--warn', '--focus']) expect(light.has(name), name).toBe(true);
    for (const scale of ['--space-', '--text-', '--radius-', '--shadow-']) {
      expect([...light.keys()].filter((k) => k.startsWith(scale)).length, scale).toBeGreaterThanOrEqual(3);
    }
  });

  for (const [name, theme] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`meets WCAG AA contrast in the ${name} theme`, () => {
      const failures = PAIRS.map(([fg, bg, min]) => {
        const ratio = contrast(colour(theme, fg), colour(theme, bg));
        return { pair: `${fg} on ${bg}`, ratio: Math.round(ratio * 100) / 100, min };
      }).filter((r) => r.ratio < r.min);
      expect(failures).toEqual([]);
    });
  }

  it('measures contrast as WCAG does (the old light --warn fails on --panel-2, its replacement passes)', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#9a6700', '#eef1f4')).toBeLessThan(TEXT);
    expect(contrast('#8a5c00', '#eef1f4')).toBeGreaterThanOrEqual(TEXT);
  });

  it('lists the Chinese fonts per script, Traditional before Simplified for zh-Hant', () => {
    const hans = light.get('--font-sans-hans') ?? '';
    const hant = light.get('--font-sans-hant') ?? '';
    expect(hans).toContain("'Noto Sans CJK SC'");
    expect(hant).toContain("'Noto Sans CJK TC'");
    expect(hant).not.toContain('CJK SC');
    expect(light.get('--font-sans')).toContain("'Noto Sans CJK SC'");
    expect(css).toMatch(/:lang\(zh-Hans\)[^{]*\{\s*font-family: var\(--font-sans-hans\)/);
    expect(css).toMatch(/:lang\(zh-Hant\)[^{]*\{\s*font-family: var\(--font-sans-hant\)/);
  });
});
