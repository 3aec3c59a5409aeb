import { afterEach, describe, expect, it } from 'vitest';
import { createAttachments, refusalText } from './attachments';
import { DEFAULT_CONFIG } from './frames';
import { createTranslator } from './strings';
import { testContext } from './testContext';

const en = createTranslator('en');
const refuse = (reason: string | undefined, status: number, name = 'a.png') =>
  refusalText(en, DEFAULT_CONFIG, reason ? { error: { code: 'X', reason } } : null, name, status);

afterEach(() => document.body.replaceChildren());

describe('widget/attachments', () => {
  it('explains every refusal of a file and what to do instead', () => {
    expect(refuse('too-large', 413)).toBe(
      '“a.png” is larger than 10 MB. Attach a smaller file, for example a compressed one or a screenshot.',
    );
    expect(refuse(undefined, 413)).toBe(refuse('too-large', 400));
    expect(refuse('type', 415)).toBe(
      '“a.png” cannot be attached. Send an image (PNG, JPEG, GIF or WebP), a PDF or a text file instead.',
    );
    expect(refuse(undefined, 415)).toBe(refuse('type', 400));
    expect(refuse('too-many', 400)).toBe(
      'You can attach up to 5 files at a time. Send these first, then attach the rest.',
    );
    expect(refuse('empty', 400)).toBe('“a.png” is empty. Choose another file.');
    expect(refuse(undefined, 401)).toBe(
      'Your chat session has ended. Open the chat again to start a new one.',
    );
    expect(refuse(undefined, 500)).toBe(
      '“a.png” could not be uploaded. Check your connection and attach it again.',
    );
    const zh = refusalText(
      createTranslator('zh-TW'),
      DEFAULT_CONFIG,
      { error: { reason: 'type' } },
      'x.exe',
      400,
    );
    expect(zh).toBe('無法附加「x.exe」。請改為傳送圖片（PNG、JPEG、GIF 或 WebP）、PDF 或文字檔。');
  });

  it('refuses a file over the size limit before uploading it, naming the file as text', async () => {
    const ctx = testContext();
    const files = createAttachments(ctx);
    const hostile = `<img src=x onerror="window.__pwned=1">.png`;
    await files.upload([new File([new Uint8Array(11 * 1024 * 1024)], hostile, { type: 'image/png' })]);
    expect(ctx.dom.alertBox.textContent).toBe(
      `“${hostile}” is larger than 10 MB. Attach a smaller file, for example a compressed one or a screenshot.`,
    );
    expect(ctx.dom.status.textContent).toBe('');
    expect(ctx.dom.root.querySelectorAll('img')).toHaveLength(0);
    expect(files.hasPending()).toBe(false);
  });

  it('names a message’s file by name and size on its download button', () => {
    const ctx = testContext('zh-CN');
    const b = createAttachments(ctx).fileButton({ id: 'f1', name: 'manual.pdf', size: 2048 });
    expect(b.getAttribute('aria-label')).toBe('下载 manual.pdf（2 KB）');
    expect(b.textContent).toBe('📎 manual.pdf · 2 KB');
  });
});
