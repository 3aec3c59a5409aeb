import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../shared/settings';
import type { SessionState } from '../../../shared/session';
import type { ApiClient } from '../../api/client';
import { AppProvider } from '../../app/context';
import { createRootStore } from '../../store';
import { PaneToggle } from './PaneToggle';
import { Splitter } from './Splitter';
import { isCollapsed, useWorkspaceLayout, widthOf } from './useWorkspaceLayout';
import { DEFAULT_LAYOUT } from './workspaceLayout';
import { PanelLeftClose } from 'lucide-react';

afterEach(cleanup);

/** Main's settings service as the hook sees it: updates merge into the settings and come back. */
function fakeMain(initial: Settings) {
  let settings = initial;
  const updates: unknown[] = [];
  const api = {
    kind: 'browser',
    call: (channel: string, args: Partial<Settings>) => {
      if (channel !== 'settings:update') return Promise.reject(new Error(`unexpected ${channel}`));
      updates.push(args);
      settings = { ...settings, ...args };
      return Promise.resolve(settings);
    },
    on: () => () => {},
    onStatus: () => () => {},
  } as unknown as ApiClient;
  return { api, updates, settings: () => settings };
}

function Harness() {
  const layout = useWorkspaceLayout();
  return (
    <div>
      <Splitter
        pane="list"
        label="Resize conversation list"
        width={widthOf(layout.layout, 'list')}
        controls="list"
        onPreview={(w) => layout.preview('list', w)}
        onCommit={(w) => layout.resize('list', w)}
        onToggle={() => layout.toggle('list')}
      />
      <PaneToggle
        expanded={!isCollapsed(layout.layout, 'sidebar')}
        controls="sidebar"
        label="Hide conversation details"
        icon={PanelLeftClose}
        onToggle={() => layout.toggle('sidebar')}
      />
    </div>
  );
}

function show(settings: Settings, agentId: string) {
  const main = fakeMain(settings);
  const store = createRootStore();
  store.getState().setSettings(settings);
  store.getState().setSession({ status: 'signedIn', agent: { id: agentId } } as unknown as SessionState);
  render(
    <AppProvider api={main.api} store={store}>
      <Harness />
    </AppProvider>,
  );
  return { main, store };
}

describe('renderer/inbox/Splitter', () => {
  it('resizes by keyboard within bounds and saves the layout under the signed-in agent', async () => {
    const li = { ...DEFAULT_LAYOUT, listWidth: 400 };
    const { main, store } = show({ language: 'en', theme: 'system', workspaceLayouts: { li } }, 'alex');
    const splitter = screen.getByRole('separator', { name: 'Resize conversation list' });
    expect(splitter.getAttribute('aria-valuenow')).toBe('320');
    expect(splitter.getAttribute('aria-orientation')).toBe('vertical');
    expect(splitter.tabIndex).toBe(0);

    await act(async () => void fireEvent.keyDown(splitter, { key: 'ArrowRight' }));
    expect(splitter.getAttribute('aria-valuenow')).toBe('336');
    await act(async () => void fireEvent.keyDown(splitter, { key: 'ArrowLeft', shiftKey: true }));
    expect(splitter.getAttribute('aria-valuenow')).toBe('240');
    await act(async () => void fireEvent.keyDown(splitter, { key: 'End' }));
    expect(splitter.getAttribute('aria-valuenow')).toBe(splitter.getAttribute('aria-valuemax'));
    // Another agent's layout on this workstation is kept as it was.
    expect(main.settings().workspaceLayouts).toEqual({ li, alex: { ...DEFAULT_LAYOUT, listWidth: 560 } });
    expect(store.getState().settings?.workspaceLayouts?.['alex']?.listWidth).toBe(560);
    expect(main.updates).toHaveLength(3);
  });

  it('hides and shows a pane with a button that says which, remembered too', async () => {
    const { main } = show({ language: 'en', theme: 'system' }, 'alex');
    const toggle = screen.getByRole('button', { name: 'Hide conversation details' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await act(async () => void fireEvent.click(toggle));
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(main.settings().workspaceLayouts?.['alex']).toEqual({ ...DEFAULT_LAYOUT, sidebarCollapsed: true });
  });
});
