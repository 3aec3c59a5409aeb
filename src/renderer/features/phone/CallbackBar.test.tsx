import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createI18n } from '../../i18n';
import { createRootStore } from '../../store';
import { CallbackBar, callbackOf } from './CallbackBar';
import type { PhoneControls } from './phoneSlice';

afterEach(cleanup);

const api = {
  kind: 'browser',
  call: () => Promise.resolve(null),
  on: () => () => {},
  onStatus: () => () => {},
};

/** The callback of a conversation as the relay wrote it, shown with a softphone that records dials. */
function show(registration: 'registered' | 'stopped', lang: 'en' | 'zh-CN' = 'en') {
  const store = createRootStore();
  const dialled: string[] = [];
  store.setState({
    registration,
    phoneCtl: { dial: (n: string) => dialled.push(n) } as unknown as PhoneControls,
  });
  const cb = callbackOf({
    kind: 'callback',
    callback: { number: '+8613800000000', waitedMs: 125_000, at: '' },
  })!;
  render(
    <AppProvider api={api as unknown as ApiClient} store={store}>
      <I18nextProvider i18n={createI18n(lang)}>
        <CallbackBar callback={cb} />
      </I18nextProvider>
    </AppProvider>,
  );
  return { store, dialled };
}

describe('renderer/phone/CallbackBar', () => {
  it('says who waited how long and calls them back with one click on a registered phone', () => {
    const { dialled, store } = show('registered');
    const group = screen.getByRole('group', { name: 'Callback request' });
    expect(group.textContent).toContain('+8613800000000 waited 2 minutes for an agent');
    fireEvent.click(screen.getByRole('button', { name: 'Call back' }));
    expect(dialled).toEqual(['+8613800000000']);
    expect(store.getState().dialNumber).toBe('+8613800000000');
  });

  it('without a connected phone, fills the dial pad and opens the phone view instead', () => {
    const { dialled, store } = show('stopped', 'zh-CN');
    fireEvent.click(screen.getByRole('button', { name: '回拨' }));
    expect(dialled).toEqual([]);
    expect(store.getState().dialNumber).toBe('+8613800000000');
    expect(store.getState().view).toBe('phone');
  });

  it('is shown only for callback tasks with a usable number', () => {
    expect(callbackOf({})).toBeNull();
    expect(callbackOf({ kind: 'callback' })).toBeNull();
    expect(callbackOf({ kind: 'callback', callback: { number: ' ' } })).toBeNull();
    expect(callbackOf({ kind: 'callback', callback: { number: '+1 555', waitedMs: 'x' } })).toEqual({
      number: '+1 555',
      waitedMs: 0,
      at: '',
    });
  });
});
