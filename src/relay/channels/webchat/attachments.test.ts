import { describe, expect, it } from 'vitest';
import { sanitizeFileName, sniffType } from './attachments';

describe('relay/channels/webchat/attachments', () => {
  it('tells file types by their bytes, not their names', () => {
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffType(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffType(Buffer.from('你好, order 42\r\n\tthanks'))).toBe('text/plain');
    expect(sniffType(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]))).toBeNull();
    expect(sniffType(Buffer.from([0xc3, 0x28]))).toBeNull(); // not UTF-8
    expect(sniffType(Buffer.alloc(0))).toBeNull();
  });

  it('keeps one safe path segment of a name, as text', () => {
    expect(sanitizeFileName('../../x')).toBe('x');
    expect(sanitizeFileName('C:\\Users\\me\\pic.png')).toBe('pic.png');
    expect(sanitizeFileName('<img src=x onerror=alert(1)>.png')).toBe('<img src=x onerror=alert(1)>.png');
    expect(sanitizeFileName('a\u0000\u001b[31mb\u202Etxt.exe')).toBe('a[31mbtxt.exe');
    expect(sanitizeFileName('  \n ')).toBe('file');
    expect(sanitizeFileName('..')).toBe('file');
    const long = sanitizeFileName(`${'名'.repeat(10_000)}.pdf`);
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});
