import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';
import { ApiCallError } from '../../api/client';
import { ErrorText } from '../../ui/ErrorText';
import { relayUrlProblem, type RelayUrlProblem } from '../../../shared/relayUrl';

const DEFAULT_RELAY = 'http://127.0.0.1:8787';
const RELAY_PROBLEM_KEYS = {
  invalid: 'session.relayInvalid',
  scheme: 'session.relayScheme',
  insecure: 'session.relayInsecure',
} as const satisfies Record<RelayUrlProblem, string>;

/** Sign-in, passphrase unlock, and the lost-key and revoked-device notices. */
export function LoginView() {
  const { t } = useTranslation();
  const api = useApi();
  const session = useRoot((s) => s.session);
  const setSession = useRoot((s) => s.setSession);
  const [relayUrl, setRelayUrl] = useState(session?.relayUrl ?? DEFAULT_RELAY);
  const [email, setEmail] = useState(session?.email ?? '');
  const [password, setPassword] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [needPassphrase, setNeedPassphrase] = useState(false);
  // An admin reset the password: the relay wants a new one before anything else.
  const [mustChange, setMustChange] = useState(false);
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = {
    relay: useId(),
    email: useId(),
    password: useId(),
    passphrase: useId(),
    newPassword: useId(),
    confirm: useId(),
  };

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      if (
        err instanceof ApiCallError &&
        (err.code === 'LOCAL_ERR_NEEDS_PASSPHRASE' || err.code === 'LOCAL_ERR_KEYCHAIN_UNAVAILABLE')
      ) {
        setNeedPassphrase(true);
      }
      if (err instanceof ApiCallError && err.code === 'LOCAL_ERR_PASSWORD_CHANGE_REQUIRED') {
        setMustChange(true);
        return setError(t('session.mustChange'));
      }
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = relayUrlProblem(relayUrl);
    if (problem) return setError(t(RELAY_PROBLEM_KEYS[problem]));
    if (mustChange && newPassword.length < 8) return setError(t('session.passwordShort'));
    if (mustChange && newPassword !== confirmPassword) return setError(t('session.passwordsDiffer'));
    void run(async () => {
      setSession(
        await api.call('session:login', {
          relayUrl,
          email,
          password,
          ...(needPassphrase && passphrase ? { passphrase } : {}),
          ...(mustChange ? { newPassword } : {}),
        }),
      );
      setPassword('');
      setMustChange(false);
      setNewPassword('');
      setConfirmPassword('');
    });
  };

  if (session?.status === 'keyLost' && session.notice) {
    return (
      <section className="view" aria-labelledby="keylost-title">
        <h1 id="keylost-title" className="view-title" tabIndex={-1}>
          {t('session.keyLostTitle')}
        </h1>
        <p role="alert">{t('session.keyLost', { count: session.notice.pendingAtStake })}</p>
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(async () => setSession(await api.call('session:discardLostCache', {})))}
        >
          {t('session.discard')}
        </button>
      </section>
    );
  }

  if (session?.status === 'locked') {
    return (
      <section className="view">
        <h1 className="view-title" tabIndex={-1}>
          {t('session.unlockTitle')}
        </h1>
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => setSession(await api.call('session:unlock', { passphrase })));
          }}
        >
          <div className="field">
            <label htmlFor={ids.passphrase}>{t('session.passphrase')}</label>
            <input
              id={ids.passphrase}
              type="password"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              required
            />
          </div>
          <button type="submit" disabled={busy}>
            {t('session.unlock')}
          </button>
          <ErrorText error={error} />
        </form>
      </section>
    );
  }

  return (
    <section className="view">
      <h1 className="view-title" tabIndex={-1}>
        {t('session.title')}
      </h1>
      <ErrorText error={session?.notice?.message} />
      <form className="card" onSubmit={submit} aria-busy={busy}>
        <div className="field">
          <label htmlFor={ids.relay}>{t('session.relay')}</label>
          <input
            id={ids.relay}
            type="url"
            value={relayUrl}
            onChange={(e) => setRelayUrl(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={ids.email}>{t('session.email')}</label>
          <input
            id={ids.email}
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>{t('session.password')}</label>
          <input
            id={ids.password}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </div>
        {mustChange && (
          <>
            <p>{t('session.mustChange')}</p>
            <div className="field">
              <label htmlFor={ids.newPassword}>{t('session.newPassword')}</label>
              <input
                id={ids.newPassword}
                type="password"
                autoComplete="new-password"
                minLength={8}
                value={newPassword}
                onChange={(e) => setNewPassword(e.target.value)}
                required
              />
            </div>
            <div className="field">
              <label htmlFor={ids.confirm}>{t('session.confirmPassword')}</label>
              <input
                id={ids.confirm}
                type="password"
                autoComplete="new-password"
                value={confirmPassword}
                onChange={(e) => setConfirmPassword(e.target.value)}
                required
              />
            </div>
          </>
        )}
        {needPassphrase && (
          <div className="field">
            <label htmlFor={ids.passphrase}>{t('session.newPassphrase')}</label>
            <input
              id={ids.passphrase}
              type="password"
              minLength={8}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              required
            />
            <span className="hint">{t('session.passphraseHint')}</span>
          </div>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('session.signingIn') : t('session.signIn')}
        </button>
        <ErrorText error={error} />
      </form>
    </section>
  );
}
