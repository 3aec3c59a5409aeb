import { Entry } from '@napi-rs/keyring';
import { LOCAL_ERR, LocalError } from '../base/errors';

/** The keychain service name every Switchboard secret is filed under. */
export const KEYCHAIN_SERVICE = 'Switchboard';

/** Where secrets live: the OS keychain in the app; tests may pass another implementation. */
export type SecretStore = {
  /** The secret, or null when there is none (or, on Linux without a Secret Service, when the keychain is unreachable). */
  get: (account: string) => string | null;
  /** Throws LocalError KEYCHAIN_UNAVAILABLE when the keychain cannot be written. */
  set: (account: string, secret: string) => void;
  /** True when something was deleted. */
  delete: (account: string) => boolean;
};

const unavailable = (err: unknown) =>
  new LocalError(LOCAL_ERR.KEYCHAIN_UNAVAILABLE, 'The system keychain is not available.', {
    cause: err instanceof Error ? err.message.split('\n')[0] : String(err),
  });

/** The OS keychain (Keychain, Credential Manager, Secret Service) through @napi-rs/keyring. Service defaults to "Switchboard". */
export function osKeychain(service: string = KEYCHAIN_SERVICE): SecretStore {
  return {
    get(account) {
      try {
        return new Entry(service, account).getPassword() ?? null;
      } catch (err) {
        throw unavailable(err);
      }
    },
    set(account, secret) {
      try {
        new Entry(service, account).setPassword(secret);
      } catch (err) {
        throw unavailable(err);
      }
    },
    delete(account) {
      try {
        return new Entry(service, account).deleteCredential();
      } catch (err) {
        throw unavailable(err);
      }
    },
  };
}

/**
 * Whether the keychain really stores secrets now. On Linux without a Secret Service a read answers
 * "no entry" rather than failing, so only a write-read-delete round trip tells the truth.
 */
export function probeKeychain(
  store: SecretStore,
  account: string,
): { ok: true } | { ok: false; reason: string } {
  const probe = `${account}.probe`;
  try {
    store.set(probe, 'ok');
    const back = store.get(probe);
    store.delete(probe);
    return back === 'ok' ? { ok: true } : { ok: false, reason: 'the keychain did not keep a test secret' };
  } catch (err) {
    const cause = err instanceof LocalError ? String(err.details['cause'] ?? err.message) : String(err);
    return { ok: false, reason: cause };
  }
}
