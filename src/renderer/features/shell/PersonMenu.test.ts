import { describe, expect, it } from 'vitest';
import { initials } from './PersonMenu';

describe('renderer/features/shell/PersonMenu initials', () => {
  it('takes two initials of a Latin name and the first character of a Han name', () => {
    expect(initials('Alex Agent')).toBe('AA');
    expect(initials('  maria  de la cruz ')).toBe('MD');
    expect(initials('王小明')).toBe('王');
    expect(initials('陳 大文')).toBe('陳');
    expect(initials('')).toBe('?');
  });
});
