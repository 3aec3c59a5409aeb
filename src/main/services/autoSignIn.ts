import type { WorkspaceService } from './workspaceService';

/**
 * Reopens the remembered workspace; when there is none and an account is given (the demo, or IT's
 * kiosk setup: SWITCHBOARD_RELAY_URL, _LOGIN_EMAIL, _LOGIN_PASSWORD), signs in with it.
 * Returns a sentence for the log or the console.
 */
export async function resumeOrSignIn(
  workspace: WorkspaceService,
  account: { relayUrl?: string | undefined; email?: string | undefined; password?: string | undefined },
): Promise<string> {
  const resumed = await workspace.resume();
  if (resumed.status === 'signedIn') return `Signed in as ${resumed.email} (remembered session).`;
  if (resumed.status !== 'signedOut' || !account.relayUrl || !account.email || !account.password) {
    return resumed.status === 'signedOut'
      ? 'Not signed in: sign in in the app.'
      : `Workspace is ${resumed.status}.`;
  }
  try {
    const s = await workspace.login({
      relayUrl: account.relayUrl,
      email: account.email,
      password: account.password,
    });
    return `Signed in as ${s.email} at ${s.relayUrl}.`;
  } catch (err) {
    return `Could not sign in as ${account.email}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
