import { describe, expect, it } from 'vitest';
import { applyTheme } from './theme';

describe('renderer/ui/theme', () => {
  it('sets the resolved theme on the document', () => {
    applyTheme('dark');
    expect(document.documentElement.dataset['theme']).toBe('dark');
    applyTheme('light');
    expect(document.documentElement.dataset['theme']).toBe('light');
    applyTheme('system');
    expect(['light', 'dark']).toContain(document.documentElement.dataset['theme']);
    expect(document.documentElement.dataset['themeSetting']).toBe('system');
  });
});
