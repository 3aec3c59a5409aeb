import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';

/** Settings › Account: who is signed in, how the offline cache is protected, and signing out. */
export function AccountSection() {
  const { t } = useTranslation();
  const api = useApi();
  const session = useRoot((s) => s.session);
  const setSession = useRoot((s) => s.setSession);
  const [confirmWipe, setConfirmWipe] = useState(false);
  if (!session || session.status !== 'signedIn') return null;
  const logout = async (wipe: boolean) => setSession(await api.call('session:logout', { wipe }));
  return (
    <section aria-labelledby="account-title" className="card">
      <h2 id="account-title">{t('account.title')}</h2>
      <dl className="about">
        <dt>{t('account.agent')}</dt>
        <dd>
          {session.agent?.name} ({session.email})
        </dd>
        <dt>{t('account.relay')}</dt>
        <dd>{session.relayUrl}</dd>
        <dt>{t('account.cache')}</dt>
        <dd>{t(`account.protection.${session.protection}`)}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void logout(false)}>
          {t('account.signOut')}
        </button>
        <button type="button" onClick={() => setConfirmWipe(true)}>
          {t('account.signOutWipe')}
        </button>
      </div>
      {confirmWipe && (
        <div role="alertdialog" aria-labelledby="wipe-q" className="confirm">
          <p id="wipe-q">{t('account.wipeConfirm', { count: session.sync.pending })}</p>
          <button type="button" onClick={() => void logout(true)}>
            {t('account.wipeYes')}
          </button>
          <button type="button" onClick={() => setConfirmWipe(false)}>
            {t('account.wipeNo')}
          </button>
        </div>
      )}
    </section>
  );
}
