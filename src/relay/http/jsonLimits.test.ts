import { describe, expect, it } from 'vitest';
import { nestsDeeperThan, parseJsonInput } from './jsonLimits';

describe('relay/http/jsonLimits', () => {
  it('counts nesting of arrays and objects, not brackets inside strings', () => {
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ s: '[[[[[[[[{{{{{\\"[[[[' }), 1)).toBe(false);
  });

  it('refuses 200,000 levels with RELAY_ERR_TOO_DEEP without walking them', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(() => parseJsonInput(deep, 64, 'The frame')).toThrow(
      expect.objectContaining({ code: 'RELAY_ERR_TOO_DEEP', httpStatus: 400 }),
    );
  });

  it('parses JSON within the limit and refuses text that is not JSON', () => {
    expect(parseJsonInput('{"t":"pull","cursor":3}', 64, 'The frame')).toEqual({ t: 'pull', cursor: 3 });
    expect(() => parseJsonInput('{not json', 64, 'The frame')).toThrow(
      expect.objectContaining({ code: 'RELAY_ERR_BAD_FRAME' }),
    );
  });
});
