import type { ApiClient } from '../../api/client';
import type { RootStore } from '../../store';

/**
 * Returns a check that connects the softphone once per window, when the agent is signed in and
 * the account asks to connect at launch (the demo's provisioned accounts do) with a password kept.
 * Safe to call on every session change: it acts at most once and never throws.
 */
export function connectAtLaunch(api: ApiClient, store: RootStore): () => Promise<void> {
  let done = false;
  return async () => {
    const st = store.getState();
    if (done || st.session?.status !== 'signedIn' || st.registration !== 'stopped' || !st.phoneCtl) return;
    done = true;
    try {
      const view = await api.call('phone:getAccount', {});
      if (!view.account?.connectAtLaunch || view.password === 'none') {
        // Not now; a later sign-in (another account, the demo's provisioning) may still ask.
        done = false;
        return;
      }
      if (store.getState().registration === 'stopped') await st.phoneCtl.register();
    } catch (err) {
      store.setState({ registrationError: err instanceof Error ? err.message : String(err) });
    }
  };
}
