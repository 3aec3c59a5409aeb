import { describe, expect, it } from 'vitest';
import { findDialLinkInArgv, parseDialLink } from './dialLink';

describe('shared/dialLink', () => {
  it('parses tel links and strips visual separators', () => {
    expect(parseDialLink('tel:+1-555-0100')).toEqual({ scheme: 'tel', target: '+15550100' });
    expect(parseDialLink('tel:+86%2010%206552%209988')).toEqual({ scheme: 'tel', target: '+861065529988' });
    expect(parseDialLink('TEL:(020) 7946 0958;ext=12')).toEqual({
      scheme: 'tel',
      target: '02079460958;ext=12',
    });
  });

  it('parses sip and callto links', () => {
    expect(parseDialLink('sip:alice@pbx.example.com')).toEqual({
      scheme: 'sip',
      target: 'alice@pbx.example.com',
    });
    expect(parseDialLink('callto://+44 20 7946 0958')).toEqual({ scheme: 'callto', target: '+442079460958' });
    expect(parseDialLink('callto:bob@pbx.example:5060')).toEqual({
      scheme: 'callto',
      target: 'bob@pbx.example:5060',
    });
  });

  it('rejects hostile or malformed links', () => {
    for (const bad of [
      'javascript:alert(1)',
      'tel:<script>alert(1)</script>',
      'tel:',
      'sip:@',
      'tel:%E0%A4%A',
      'https://example.com/tel:123',
      'tel:' + '1'.repeat(600),
      'sip:a"onmouseover=x@host',
    ]) {
      expect(parseDialLink(bad), bad).toBeNull();
    }
  });

  it('finds the link among command-line arguments', () => {
    expect(findDialLinkInArgv(['/opt/Switchboard/switchboard', '--flag', 'tel:+15550100'])).toEqual({
      scheme: 'tel',
      target: '+15550100',
    });
    expect(findDialLinkInArgv(['/opt/Switchboard/switchboard'])).toBeNull();
  });
});
