import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { NoteData } from '../../../shared/sync/entities';
import { createI18n } from '../../i18n';
import { NoteTag } from './NoteTag';

afterEach(cleanup);

const note: NoteData = {
  conversationId: 'c1',
  authorId: 's1',
  body: 'Offer free shipping',
  mentions: [],
  createdAt: '2026-12-02T10:00:00.000Z',
};

function show(n: NoteData, lang: Parameters<typeof createI18n>[0] = 'en') {
  const i18n = createI18n(lang);
  render(
    <I18nextProvider i18n={i18n}>
      <NoteTag note={n} authorName="Lin" />
    </I18nextProvider>,
  );
}

describe('renderer/supervisor NoteTag', () => {
  it('marks a supervisor’s whisper as one, naming who sent it, apart from an internal note', () => {
    show({ ...note, whisperTo: 'a1' });
    expect(screen.getByText(/Whisper from Lin, your supervisor/)).toBeTruthy();
    cleanup();
    show(note);
    expect(screen.getByText('Internal note')).toBeTruthy();
  });
  it('says so in Chinese too', () => {
    show({ ...note, whisperTo: 'a1' }, 'zh-CN');
    expect(screen.getByText(/主管 Lin 的耳语/)).toBeTruthy();
  });
});
