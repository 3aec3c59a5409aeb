import { useState } from 'react';
import { MAX_WORKSPACE_LAYOUTS, type WorkspaceLayout } from '../../../shared/settings';
import { useApi, useRoot } from '../../app/context';
import { isCollapsed, layoutFor, resize, setCollapsed, type Pane } from './workspaceLayout';

export type WorkspaceLayoutControl = {
  layout: WorkspaceLayout;
  /** A width shown while a splitter is dragged, not yet saved. */
  preview: (pane: Pane, width: number) => void;
  resize: (pane: Pane, width: number) => void;
  toggle: (pane: Pane) => void;
  /** Why the last change could not be saved (it still applies until the app restarts). */
  error: string | null;
};

/**
 * The signed-in agent's pane layout, kept in the app settings by agent id (settings.json beside
 * language and theme), so each agent at a shared workstation finds the panes as they left them.
 */
export function useWorkspaceLayout(): WorkspaceLayoutControl {
  const api = useApi();
  const agentId = useRoot((s) => s.session?.agent?.id ?? null);
  const layouts = useRoot((s) => s.settings?.workspaceLayouts);
  const setSettings = useRoot((s) => s.setSettings);
  const saved = layoutFor(layouts, agentId);
  // A change shows at once; it stays until the saved settings come back with it.
  const [pending, setPending] = useState<WorkspaceLayout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const layout = pending ?? saved;

  const save = (next: WorkspaceLayout) => {
    setPending(next);
    if (!agentId) return;
    setError(null);
    // The workstation keeps the most recently saved agents' layouts (this one last).
    const others = Object.entries(layouts ?? {}).filter(([id]) => id !== agentId);
    const kept = others.slice(Math.max(0, others.length - (MAX_WORKSPACE_LAYOUTS - 1)));
    const workspaceLayouts = { ...Object.fromEntries(kept), [agentId]: next };
    api.call('settings:update', { workspaceLayouts }).then(
      (settings) => {
        setSettings(settings);
        setPending((p) => (p === next ? null : p));
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };

  return {
    layout,
    error,
    preview: (pane, width) => setPending(resize(layout, pane, width)),
    resize: (pane, width) => save(resize(layout, pane, width)),
    toggle: (pane) => save(setCollapsed(layout, pane, !isCollapsed(layout, pane))),
  };
}

export { isCollapsed, widthOf } from './workspaceLayout';
