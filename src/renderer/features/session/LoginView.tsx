import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../ui/ErrorText';
import { useLogin, type LoginFields } from './useLogin';

type Login = ReturnType<typeof useLogin>;

/** Sign-in, passphrase unlock, and the lost-key and revoked-device notices. */
export function LoginView() {
  const login = useLogin();
  const { session } = login;
  if (session?.status === 'keyLost' && session.notice) {
    return (
      <KeyLostNotice
        pendingAtStake={session.notice.pendingAtStake}
        busy={login.busy}
        onDiscard={login.discard}
      />
    );
  }
  if (session?.status === 'locked') return <UnlockForm login={login} />;
  return <SignInForm login={login} />;
}

/** The local cache's key is gone: what is at stake, and starting over from the relay. */
function KeyLostNotice(props: { pendingAtStake: number; busy: boolean; onDiscard: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="view" aria-labelledby="keylost-title">
      <h1 id="keylost-title" className="view-title" tabIndex={-1}>
        {t('session.keyLostTitle')}
      </h1>
      <p role="alert">{t('session.keyLost', { count: props.pendingAtStake })}</p>
      <button type="button" disabled={props.busy} onClick={props.onDiscard}>
        {t('session.discard')}
      </button>
    </section>
  );
}

/** A labelled input of one login field, in a field of its own. */
function LoginInput(props: {
  field: keyof LoginFields;
  label: string;
  login: Login;
  input: InputHTMLAttributes<HTMLInputElement>;
  children?: ReactNode;
}) {
  const id = useId();
  const { field, login } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        {...props.input}
        value={login.fields[field]}
        onChange={(e) => login.set({ [field]: e.target.value })}
        required
      />
      {props.children}
    </div>
  );
}

/** The passphrase that unlocks the local cache. */
function UnlockForm({ login }: { login: Login }) {
  const { t } = useTranslation();
  return (
    <section className="view">
      <h1 className="view-title" tabIndex={-1}>
        {t('session.unlockTitle')}
      </h1>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          login.unlock();
        }}
      >
        <LoginInput
          field="passphrase"
          label={t('session.passphrase')}
          login={login}
          input={{ type: 'password' }}
        />
        <button type="submit" disabled={login.busy}>
          {t('session.unlock')}
        </button>
        <ErrorText error={login.error} />
      </form>
    </section>
  );
}

/** Relay, email and password; a new password when the relay asks for one, a passphrase when the keychain cannot hold the key. */
function SignInForm({ login }: { login: Login }) {
  const { t } = useTranslation();
  const { busy } = login;
  return (
    <section className="view">
      <h1 className="view-title" tabIndex={-1}>
        {t('session.title')}
      </h1>
      <ErrorText error={login.session?.notice?.message} />
      <form className="card" onSubmit={login.signIn} aria-busy={busy}>
        <LoginInput field="relayUrl" label={t('session.relay')} login={login} input={{ type: 'url' }} />
        <LoginInput
          field="email"
          label={t('session.email')}
          login={login}
          input={{ type: 'email', autoComplete: 'username' }}
        />
        <LoginInput
          field="password"
          label={t('session.password')}
          login={login}
          input={{ type: 'password', autoComplete: 'current-password' }}
        />
        {login.mustChange && <NewPasswordFields login={login} />}
        {login.needPassphrase && (
          <LoginInput
            field="passphrase"
            label={t('session.newPassphrase')}
            login={login}
            input={{ type: 'password', minLength: 8 }}
          >
            <span className="hint">{t('session.passphraseHint')}</span>
          </LoginInput>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('session.signingIn') : t('session.signIn')}
        </button>
        <ErrorText error={login.error} />
      </form>
    </section>
  );
}

/** The new password an admin's reset asks for, twice. */
function NewPasswordFields({ login }: { login: Login }) {
  const { t } = useTranslation();
  return (
    <>
      <p>{t('session.mustChange')}</p>
      <LoginInput
        field="newPassword"
        label={t('session.newPassword')}
        login={login}
        input={{ type: 'password', autoComplete: 'new-password', minLength: 8 }}
      />
      <LoginInput
        field="confirmPassword"
        label={t('session.confirmPassword')}
        login={login}
        input={{ type: 'password', autoComplete: 'new-password' }}
      />
    </>
  );
}
