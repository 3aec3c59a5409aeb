import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { createI18n } from '../i18n';
import { SlaBadge } from './SlaBadge';

afterEach(cleanup);
const now = Date.parse('2026-11-23T10:00:00Z');
const show = (dueAt: string | null, status = 'open', lang: 'en' | 'zh-CN' = 'en') =>
  render(
    <I18nextProvider i18n={createI18n(lang)}>
      <p data-testid="b">
        <SlaBadge dueAt={dueAt} status={status} now={now} />
      </p>
    </I18nextProvider>,
  );

describe('renderer/ui/SlaBadge', () => {
  it('shows time left, soon, overdue, and nothing when resolved or without a due time', () => {
    show('2026-11-23T12:05:00Z');
    expect(screen.getByTestId('b').textContent).toBe('SLA: 2 h 5 min left');
    cleanup();
    show('2026-11-23T10:20:00Z');
    expect(screen.getByTestId('b').querySelector('.badge-warn')?.textContent).toBe('SLA: 20 min left');
    cleanup();
    show('2026-11-23T09:00:00Z');
    expect(screen.getByTestId('b').textContent).toBe('SLA overdue');
    cleanup();
    show('2026-11-23T09:00:00Z', 'resolved');
    expect(screen.getByTestId('b').textContent).toBe('');
    cleanup();
    show(null);
    expect(screen.getByTestId('b').textContent).toBe('');
    cleanup();
    show('2026-11-23T09:00:00Z', 'open', 'zh-CN');
    expect(screen.getByTestId('b').textContent).toBe('SLA 已超时');
  });
});
