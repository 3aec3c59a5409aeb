import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml } from './sanitize';

describe('relay/channels/email/sanitize', () => {
  it('keeps the text and structure of a mail and drops everything that runs, submits or loads', () => {
    const { html, remoteImages } = sanitizeMailHtml(`
      <style>body{background:url(https://track.example/bg.png)}</style>
      <script>alert(1)</script>
      <p onclick="alert(2)" style="color: red; position: fixed; background: url(https://t.example/x)">Hello <b>Ann</b></p>
      <a href="javascript:alert(3)">bad</a> <a href="https://shop.example/o/1">order</a>
      <form action="https://evil.example"><input name="pw"><button>Go</button></form>
      <iframe src="https://evil.example"></iframe><object data="x.swf"></object>
      <img src="https://track.example/pixel.gif" onerror="alert(4)" alt="logo">
      <img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
      <svg><script>alert(5)</script></svg>
      <table><tr><td colspan="2">cell</td></tr></table>`);
    expect(html).toContain('Hello <b>Ann</b>');
    expect(html).toContain('color:red');
    expect(html).toContain('<td colspan="2">cell</td>');
    expect(html).toContain('href="https://shop.example/o/1"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('data-remote-src="https://track.example/pixel.gif"');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(remoteImages).toBe(1);
    expect(html).not.toMatch(/\ssrc="https/);
    for (const bad of [
      '<script',
      'alert',
      'onclick',
      'onerror',
      '<form',
      '<input',
      '<button',
      '<iframe',
      '<object',
      '<style',
      'position',
      'url(',
      'javascript:',
      '<svg',
    ])
      expect(html).not.toContain(bad);
  });
});
