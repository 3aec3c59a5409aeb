import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n';
import { CallQuality } from './CallQuality';
import type { CallSnapshot } from './sipPhone';

afterEach(cleanup);
beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as never;
});

const call = (quality: CallSnapshot['quality']) => ({ quality }) as CallSnapshot;

function show(c: CallSnapshot, lang: 'en' | 'zh-TW' = 'en') {
  render(
    <I18nextProvider i18n={createI18n(lang)}>
      <CallQuality call={c} />
    </I18nextProvider>,
  );
}

describe('renderer/phone/CallQuality', () => {
  it('shows the MOS now and, on request, the call so far and every warning it raised', () => {
    show(
      call({
        mos: 4.36,
        warnings: [],
        summary: { mosMin: 3.2, mosAvg: 4.1, samples: 30, warnings: ['high-jitter'] },
      }),
    );
    expect(screen.getByLabelText('Call quality').textContent).toBe('MOS 4.4');
    fireEvent.click(screen.getByRole('button', { name: 'Quality details' }));
    const details = screen.getByRole('region', { name: 'Quality details' });
    expect(details.textContent).toContain('NowMOS 4.4');
    expect(details.textContent).toContain('Over the callMOS avg 4.1, min 3.2');
    expect(details.textContent).toContain('Warnings in this callHigh jitter (over 30 ms)');
  });

  it('says it is still measuring before the first figure, in 繁體中文', () => {
    show(call({ mos: null, warnings: [], summary: null }), 'zh-TW');
    expect(screen.getByLabelText('通話品質').textContent).toBe('正在測量通話品質…');
    fireEvent.click(screen.getByRole('button', { name: '品質詳情' }));
    expect(screen.getByRole('region', { name: '品質詳情' }).textContent).toContain('本次通話的警告無');
  });
});
