import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboxFilters } from '../../../shared/inboxFilters';
import type { SessionState } from '../../../shared/session';
import type { Settings } from '../../../shared/settings';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { FilterBar } from './FilterBar';
import { initials } from './ConversationRow';
import { DEFAULT_FILTERS } from './savedViews';

afterEach(cleanup);

/** Main as the bar sees it: a count per filter set, and the settings service. */
function fakeMain() {
  let settings: Settings = { language: 'en', theme: 'system' };
  const counted: unknown[] = [];
  const api = {
    kind: 'browser',
    call: (channel: string, args: Record<string, unknown>) => {
      if (channel === 'conversations:list') {
        counted.push(args);
        return Promise.resolve({
          total: args['view'] === 'mine' ? 3 : args['sla'] ? 1 : 12,
          offset: 0,
          items: [],
        });
      }
      if (channel === 'settings:update') {
        settings = { ...settings, ...args };
        return Promise.resolve(settings);
      }
      return Promise.reject(new Error(`unexpected ${channel}`));
    },
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
  return { api, counted, settings: () => settings };
}

function Harness(props: {
  countsEnabled: boolean;
  onChange: (f: InboxFilters) => void;
  filters: InboxFilters;
}) {
  return (
    <FilterBar
      filters={props.filters}
      labels={['vip']}
      countsEnabled={props.countsEnabled}
      onChange={props.onChange}
    />
  );
}

describe('renderer/inbox/FilterBar', () => {
  it('offers Mine, Open and Due soon with counts (asked only once enabled), and saves a view', async () => {
    const main = fakeMain();
    const store = createRootStore();
    store.getState().setSession({ status: 'signedIn', agent: { id: 'alex' } } as unknown as SessionState);
    let filters: InboxFilters = DEFAULT_FILTERS;
    const ui = (countsEnabled: boolean) => (
      <AppProvider api={main.api} store={store}>
        <I18nextProvider i18n={createI18n('en')}>
          <Harness filters={filters} countsEnabled={countsEnabled} onChange={(f) => (filters = f)} />
        </I18nextProvider>
      </AppProvider>
    );
    const { rerender } = render(ui(false));
    await act(async () => {});
    expect(main.counted).toEqual([]);
    rerender(ui(true));
    await act(async () => {});
    const views = screen.getByRole('list', { name: 'Views' });
    expect(within(views).getByRole('button', { name: /^Mine ?: ?3$/ })).toBeTruthy();
    expect(
      within(views)
        .getByRole('button', { name: /^Open ?: ?12$/ })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    fireEvent.click(within(views).getByRole('button', { name: /^Due soon ?: ?1$/ }));
    expect(filters).toEqual({ view: 'all', status: 'open', sla: 'soon' });

    // The five filters stay, as one row of labelled drop-downs.
    for (const name of ['Show', 'Filter by status', 'Channel', 'Label', 'SLA'])
      expect(screen.getByLabelText(name).tagName).toBe('SELECT');
    fireEvent.change(screen.getByLabelText('Channel'), { target: { value: 'email' } });
    filters = { ...DEFAULT_FILTERS, channel: 'email' };
    rerender(ui(true));
    fireEvent.click(screen.getByRole('button', { name: 'Save view' }));
    fireEvent.change(screen.getByLabelText('View name'), { target: { value: 'Email' } });
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(main.settings().savedInboxViews).toEqual({ alex: [{ name: 'Email', filters }] });
    await act(async () => {});
    expect(
      within(views)
        .getByRole('button', { name: /^Email ?: ?12$/ })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await act(async () => void fireEvent.click(screen.getByRole('button', { name: 'Remove view Email' })));
    expect(main.settings().savedInboxViews).toEqual({ alex: [] });
  });

  it('draws an assignee as initials', () => {
    expect(initials('Alex Agent')).toBe('AA');
    expect(initials('李娜')).toBe('李娜');
    expect(initials('  zoë ')).toBe('ZO');
  });
});
