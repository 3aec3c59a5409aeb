import { RELAY_ERR } from '../../shared/sync/protocol';
import type { LocalStore } from '../store/localStore';
import * as auth from './authClient';

export type SessionTokensOptions = {
  relayUrl: string;
  /** Where the tokens are kept between runs (encrypted, in the cache). */
  store: Pick<LocalStore, 'getSession' | 'setSession'>;
  /** Refresh the access token this long before it expires. */
  refreshMarginMs: number;
  /** Whether the client is syncing: only then is a refresh scheduled ahead of expiry. */
  isRunning: () => boolean;
  /** A fresh access token was saved (the open socket should be told). */
  onRefreshed: (accessToken: string) => void;
  /** A scheduled refresh failed. */
  onRefreshFailed: (err: unknown) => void;
};

/**
 * The relay session's tokens: kept in the cache, refreshed before the access token expires (on a
 * timer while syncing, and before each use), forgotten on sign-out.
 */
export class SessionTokens {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: SessionTokensOptions) {}

  current(): auth.Session | null {
    const raw = this.o.store.getSession();
    return raw ? (JSON.parse(raw) as auth.Session) : null;
  }

  save(t: auth.Session): void {
    const s: auth.Session = {
      accessToken: t.accessToken,
      accessExpiresAt: t.accessExpiresAt,
      refreshToken: t.refreshToken,
      deviceId: t.deviceId,
    };
    this.o.store.setSession(JSON.stringify(s));
    this.schedule(s);
  }

  /** Marks the access token expired, so the next use refreshes it first. */
  expire(): void {
    const s = this.current();
    if (s) this.o.store.setSession(JSON.stringify({ ...s, accessExpiresAt: new Date(0).toISOString() }));
  }

  /** Forgets the tokens (signed out); the caller decides whether the refresh timer goes too. */
  forget(): void {
    this.o.store.setSession(null);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Refreshes the access token when it is due; throws RelayHttpError UNAUTHORIZED without a session. */
  async ensureFresh(): Promise<void> {
    const s = this.current();
    if (!s) throw new auth.RelayHttpError(RELAY_ERR.UNAUTHORIZED, 'Not signed in.', 401);
    if (Date.parse(s.accessExpiresAt) - Date.now() > this.o.refreshMarginMs) return this.schedule(s);
    const fresh = await auth.refresh(this.o.relayUrl, s.refreshToken);
    this.save(fresh);
    // Keep the open connection authenticated too: the relay closes it when its token expires.
    this.o.onRefreshed(fresh.accessToken);
  }

  private schedule(s: auth.Session): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.o.isRunning()) return;
    const wait = Math.max(0, Date.parse(s.accessExpiresAt) - Date.now() - this.o.refreshMarginMs);
    // Refreshes before expiry; ensureFresh also re-authenticates the open socket.
    this.timer = setTimeout(
      () => {
        this.ensureFresh().catch((err: unknown) => this.o.onRefreshFailed(err));
      },
      Math.min(wait, 2 ** 31 - 1),
    ).unref();
  }
}
