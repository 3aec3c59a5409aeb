import { normalizeCallerNumber } from '../../../shared/phone';
import type { ApiClient } from '../../api/client';
import type { RootStore } from '../../store';
import type { ScreenPop } from '../../../shared/views';
import type { CallSnapshot } from './sipTypes';

/**
 * Screen-pop: normalizes the caller's number and looks it up in the local encrypted cache (no
 * relay needed), so the customer shows before the agent answers, online or not.
 */
export async function popFor(
  api: ApiClient,
  store: RootStore,
  c: CallSnapshot,
  region: string,
  fail: (err: unknown) => void,
): Promise<void> {
  const s = store.getState;
  const number = normalizeCallerNumber(c.remoteUser, region);
  const setPop = (pop: ScreenPop | null, looked: boolean) =>
    store.setState({ pops: { ...s().pops, [c.id]: { number, pop, looked } } });
  setPop(null, number === null);
  if (!number || s().session?.status !== 'signedIn') return setPop(null, true);
  try {
    const { pop } = await api.call('customers:lookupPhone', { phone: number });
    if (s().calls.some((x) => x.id === c.id) || s().wrapUps.some((w) => w.call.id === c.id))
      setPop(pop, true);
  } catch (err) {
    setPop(null, true);
    fail(err);
  }
}
