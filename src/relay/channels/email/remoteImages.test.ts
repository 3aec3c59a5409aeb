import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, fetchImage, isPrivateAddress, remoteSources, sniffImage } from './remoteImages';
import { sanitizeMailHtml } from './sanitize';

describe('relay/channels/email/remoteImages', () => {
  it('tells private, loopback and reserved addresses from public ones (IPv4-mapped too)', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('knows image types by their bytes, not by what a server claims', () => {
    expect(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });

  it('reads back the addresses the sanitizer held back, once each', () => {
    const { html } = sanitizeMailHtml(
      '<img src="https://a.example/x.png?a=1&b=2"><img src="https://a.example/x.png?a=1&b=2"><img src="data:image/png;base64,AAAA">',
    );
    expect(remoteSources(html)).toEqual(['https://a.example/x.png?a=1&b=2']);
  });

  it('refuses loopback unless told otherwise, and stops at the size limit', async () => {
    const big = Buffer.alloc(4096, 1);
    const srv = createServer((_req, res) => res.end(big));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      await expect(fetchImage(`http://127.0.0.1:${port}/a`, DEFAULTS)).rejects.toThrow(/private network/);
      await expect(fetchImage(`http://localhost:${port}/a`, DEFAULTS)).rejects.toThrow(/private network/);
      await expect(fetchImage('ftp://example.test/a', DEFAULTS)).rejects.toThrow(/not a web address/);
      const open = { ...DEFAULTS, allowPrivateHosts: true };
      expect((await fetchImage(`http://127.0.0.1:${port}/a`, open)).length).toBe(4096);
      await expect(fetchImage(`http://127.0.0.1:${port}/a`, { ...open, maxBytes: 1000 })).rejects.toThrow(
        /limit/,
      );
    } finally {
      srv.close();
    }
  });
});
