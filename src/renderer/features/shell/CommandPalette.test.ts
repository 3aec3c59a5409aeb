import { describe, expect, it } from 'vitest';
import { dialable } from './CommandPalette';

describe('renderer/features/shell/CommandPalette dialable', () => {
  it('offers to dial what reads as a phone number, and nothing else', () => {
    expect(dialable('+1 (212) 273-4497')).toBe('+12122734497');
    expect(dialable('3000')).toBe('3000');
    expect(dialable(' 010 6552 9988 ')).toBe('01065529988');
    expect(dialable('12')).toBeNull();
    expect(dialable('Michael 212')).toBeNull();
    expect(dialable('')).toBeNull();
  });
});
