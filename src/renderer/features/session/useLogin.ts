import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { relayUrlProblem, type RelayUrlProblem } from '../../../shared/relayUrl';
import { ApiCallError } from '../../api/client';
import { useApi, useRoot } from '../../app/context';

const DEFAULT_RELAY = 'http://127.0.0.1:8787';
const RELAY_PROBLEM_KEYS = {
  invalid: 'session.relayInvalid',
  scheme: 'session.relayScheme',
  insecure: 'session.relayInsecure',
} as const satisfies Record<RelayUrlProblem, string>;

/** What the sign-in and unlock forms hold. */
export type LoginFields = {
  relayUrl: string;
  email: string;
  password: string;
  passphrase: string;
  newPassword: string;
  confirmPassword: string;
};

/**
 * Runs one session call at a time, saying what went wrong; a call that needs a passphrase or a
 * new password asks for it from then on (an admin reset the password: the relay wants a new one).
 */
function useSessionCall() {
  const { t } = useTranslation();
  const [needPassphrase, setNeedPassphrase] = useState(false);
  const [mustChange, setMustChange] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
  return { needPassphrase, mustChange, setMustChange, busy, error, setError, run };
}

/** The sign-in screen's state: its fields, the call under way, and sign-in, unlock and discard. */
export function useLogin() {
  const { t } = useTranslation();
  const api = useApi();
  const session = useRoot((s) => s.session);
  const setSession = useRoot((s) => s.setSession);
  const [fields, setFields] = useState<LoginFields>({
    relayUrl: session?.relayUrl ?? DEFAULT_RELAY,
    email: session?.email ?? '',
    password: '',
    passphrase: '',
    newPassword: '',
    confirmPassword: '',
  });
  const set = (patch: Partial<LoginFields>) => setFields((f) => ({ ...f, ...patch }));
  const call = useSessionCall();
  const { relayUrl, email, password, passphrase, newPassword } = fields;

  const signIn = (e: FormEvent) => {
    e.preventDefault();
    const problem = relayUrlProblem(relayUrl);
    if (problem) return call.setError(t(RELAY_PROBLEM_KEYS[problem]));
    if (call.mustChange && newPassword.length < 8) return call.setError(t('session.passwordShort'));
    if (call.mustChange && newPassword !== fields.confirmPassword)
      return call.setError(t('session.passwordsDiffer'));
    void call.run(async () => {
      setSession(
        await api.call('session:login', {
          relayUrl,
          email,
          password,
          ...(call.needPassphrase && passphrase ? { passphrase } : {}),
          ...(call.mustChange ? { newPassword } : {}),
        }),
      );
      set({ password: '', newPassword: '', confirmPassword: '' });
      call.setMustChange(false);
    });
  };
  const unlock = () =>
    void call.run(async () => setSession(await api.call('session:unlock', { passphrase })));
  const discard = () => void call.run(async () => setSession(await api.call('session:discardLostCache', {})));

  return { session, fields, set, ...call, signIn, unlock, discard };
}
