import { ExpectedError } from '../../shared/errors';
/** Machine-readable codes of expected, user-facing failures of the local store, keychain and sync. */
export const LOCAL_ERR = {
  /** A reply its conversation's channel cannot deliver (shared/replyRoute.ts); nothing was queued. */
  UNDELIVERABLE: 'LOCAL_ERR_UNDELIVERABLE',
  /** A mutation's arguments failed validation; nothing was written. */
  INVALID_MUTATION: 'LOCAL_ERR_INVALID_MUTATION',
  /** No agent has signed in on this cache yet, so there is no device id to clock mutations with. */
  NOT_SIGNED_IN: 'LOCAL_ERR_NOT_SIGNED_IN',
  /** The cache file does not open with the key we have. */
  WRONG_KEY: 'LOCAL_ERR_WRONG_KEY',
  /** SQLite accepted the key but is not encrypting (plain SQLite build): refuse to store anything. */
  CIPHER_INACTIVE: 'LOCAL_ERR_CIPHER_INACTIVE',
  /** The OS keychain is not reachable now (locked, no Secret Service): try again or use a passphrase. */
  KEYCHAIN_UNAVAILABLE: 'LOCAL_ERR_KEYCHAIN_UNAVAILABLE',
  /** This cache is protected by a passphrase the user must type. */
  NEEDS_PASSPHRASE: 'LOCAL_ERR_NEEDS_PASSPHRASE',
  WRONG_PASSPHRASE: 'LOCAL_ERR_WRONG_PASSPHRASE',
  /** The key of an existing cache is gone: the cache must be wiped and rebuilt from the relay. */
  KEY_LOST: 'LOCAL_ERR_KEY_LOST',
  /** Login or token refresh was refused. */
  AUTH_FAILED: 'LOCAL_ERR_AUTH_FAILED',
  /** The relay could not be reached. */
  OFFLINE: 'LOCAL_ERR_OFFLINE',
  /** The relay address would send data in clear text (http:// to another machine) or is not a URL. */
  INSECURE_RELAY: 'LOCAL_ERR_INSECURE_RELAY',
  /** The relay revoked this device; its cache and key were wiped. */
  DEVICE_REVOKED: 'LOCAL_ERR_DEVICE_REVOKED',
  /** An admin reset the password: sign in again with a new one (the sign-in form asks for it). */
  PASSWORD_CHANGE_REQUIRED: 'LOCAL_ERR_PASSWORD_CHANGE_REQUIRED',
  /** The relay ended this session (account disabled, password reset); the cache and outbox stay. */
  SIGNED_OUT: 'LOCAL_ERR_SIGNED_OUT',
} as const;
export type LocalErrorCode = (typeof LOCAL_ERR)[keyof typeof LOCAL_ERR];

/** An expected failure of the cache, keychain or sync (see ExpectedError), with a LOCAL_ERR_* code. */
export class LocalError extends ExpectedError<LocalErrorCode> {
  constructor(code: LocalErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'LocalError';
  }
}
