import type { SessionService } from './sessionService';

/**
 * Reopens the remembered session; when there is none and an account is given (the demo, or IT's
 * kiosk setup: SWITCHBOARD_RELAY_URL, _LOGIN_EMAIL, _LOGIN_PASSWORD), signs in with it.
 * Returns a sentence for the log or the console.
 */
export async function resumeOrSignIn(
  session: SessionService,
  account: {
    relayUrl?: string | undefined;
    email?: string | undefined;
    password?: string | undefined;
    /** Used only where no OS keychain is reachable (SWITCHBOARD_CACHE_PASSPHRASE). */
    passphrase?: string | undefined;
  },
): Promise<string> {
  const resumed = await session.resume();
  if (resumed.status === 'locked' && account.passphrase) {
    try {
      const s = await session.unlock(account.passphrase);
      return `Signed in as ${s.email} (cache unlocked with its passphrase).`;
    } catch (err) {
      return `Could not unlock the offline cache: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (resumed.status === 'signedIn') return `Signed in as ${resumed.email} (remembered session).`;
  if (resumed.status !== 'signedOut' || !account.relayUrl || !account.email || !account.password) {
    return resumed.status === 'signedOut'
      ? 'Not signed in: sign in in the app.'
      : `Workspace is ${resumed.status}.`;
  }
  const login = { relayUrl: account.relayUrl, email: account.email, password: account.password };
  try {
    const s = await session.login(login);
    return `Signed in as ${s.email} at ${s.relayUrl}.`;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const noKeychain = code === 'LOCAL_ERR_KEYCHAIN_UNAVAILABLE' || code === 'LOCAL_ERR_NEEDS_PASSPHRASE';
    if (!account.passphrase || !noKeychain) return failed(account.email, err);
  }
  try {
    const s = await session.login({ ...login, passphrase: account.passphrase });
    return `Signed in as ${s.email} at ${s.relayUrl} (no keychain here: the cache is protected by a passphrase).`;
  } catch (err) {
    return failed(account.email, err);
  }
}

const failed = (email: string, err: unknown) =>
  `Could not sign in as ${email}: ${err instanceof Error ? err.message : String(err)}`;
