import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';

/** Settings › Password: the signed-in person changes their own password (on the relay). */
export function PasswordSection() {
  const { t } = useTranslation();
  const api = useApi();
  const signedIn = useRoot((s) => s.session?.status === 'signedIn');
  const [form, setForm] = useState({ current: '', next: '', confirm: '' });
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { current: useId(), next: useId(), confirm: useId() };
  if (!signedIn) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    setError(null);
    if (form.next.length < 8) return setError(t('session.passwordShort'));
    if (form.next !== form.confirm) return setError(t('session.passwordsDiffer'));
    setBusy(true);
    try {
      await api.call('account:changePassword', { currentPassword: form.current, newPassword: form.next });
      setForm({ current: '', next: '', confirm: '' });
      setStatus(t('password.changed'));
    } catch (err) {
      setError(t('password.failed', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };

  const field = (k: keyof typeof form, label: string, autoComplete: string) => (
    <div className="field">
      <label htmlFor={ids[k]}>{label}</label>
      <input
        id={ids[k]}
        type="password"
        autoComplete={autoComplete}
        value={form[k]}
        required
        onChange={(e) => setForm({ ...form, [k]: e.target.value })}
      />
    </div>
  );

  return (
    <section aria-labelledby="password-title" className="card">
      <h2 id="password-title">{t('password.title')}</h2>
      <form aria-labelledby="password-title" aria-busy={busy} onSubmit={(e) => void submit(e)}>
        {field('current', t('password.current'), 'current-password')}
        {field('next', t('password.new'), 'new-password')}
        {field('confirm', t('password.confirm'), 'new-password')}
        <button type="submit" disabled={busy}>
          {t('password.change')}
        </button>
        {status && <p role="status">{status}</p>}
        <ErrorText error={error} />
      </form>
    </section>
  );
}
