import { describe, expect, it } from 'vitest';
import { mentionsIn } from './mentions';

const agents = [
  { id: 'a1', name: 'Li' },
  { id: 'a2', name: 'Li Na' },
  { id: 'a3', name: 'Oliver Taylor' },
  { id: 'a4', name: '李娜' },
];

describe('main/services mentionsIn', () => {
  it('finds colleagues named with @, longest name first, case-insensitive, Chinese too', () => {
    expect(mentionsIn('@li na please check, and @OLIVER taylor too', agents)).toEqual(['a3', 'a2']);
    expect(mentionsIn('请 @李娜 看一下', agents)).toEqual(['a4']);
    expect(mentionsIn('email li@example.com is not a mention', agents)).toEqual([]);
    expect(mentionsIn('no mentions here', agents)).toEqual([]);
  });
});
