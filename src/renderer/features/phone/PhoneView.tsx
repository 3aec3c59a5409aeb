import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';
import { ViewHeader } from '../../ui/ViewHeader';
import { AudioDevicesForm } from './AudioDevicesForm';
import { PhoneAccountForm } from './PhoneAccountForm';

// 401/407 after sip.js answered the challenge (or 403): the server did not take the credentials.
const credentialsRefused = (error: string) => /^(401|403|407)\b/.test(error);

/** The softphone: registration state, the dial pad, and the SIP account. */
export function PhoneView() {
  const { t } = useTranslation();
  const account = useQuery('phone:getAccount', {});
  const ready = !!account.data?.account && account.data.password !== 'none';
  return (
    <section className="view">
      <ViewHeader title={t('phone.title')} />
      <div className="card">
        <Registration ready={ready} />
        <DialPad />
        {!ready && (
          <p className="hint">
            {account.data?.pbxMissing
              ? t('phone.demoPbxMissing', { package: account.data.pbxMissing })
              : t('phone.noAccount')}
          </p>
        )}
      </div>
      <AudioDevicesForm />
      {account.data && <PhoneAccountForm view={account.data} />}
    </section>
  );
}

/** Whether the phone is registered, why not, and Connect (once an account is `ready`) or Disconnect. */
function Registration({ ready }: { ready: boolean }) {
  const { t } = useTranslation();
  const registration = useRoot((s) => s.registration);
  const note = useRoot((s) => s.registrationNote);
  const regError = useRoot((s) => s.registrationError);
  const ctl = useRoot((s) => s.phoneCtl);
  const setError = useRoot((s) => s.setError);
  const connected = registration !== 'stopped' && registration !== 'failed';
  const connect = async () => {
    try {
      await ctl?.register();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const errorKey =
    regError && credentialsRefused(regError) ? 'phone.registerAuthFailed' : 'phone.registerFailed';
  return (
    <>
      <p role="status" aria-label={t('phone.registrationLabel')} className={`reg reg-${registration}`}>
        {t(`phone.registration.${registration}`)}
        {registration === 'registered' && note === 'reconnected' ? ` · ${t('phone.reconnected')}` : ''}
      </p>
      <ErrorText error={regError ? t(errorKey, { message: regError }) : null} />
      <div className="actions">
        {connected ? (
          <button type="button" onClick={() => void ctl?.unregister()}>
            {t('phone.disconnect')}
          </button>
        ) : (
          <button type="button" disabled={!ready} onClick={() => void connect()}>
            {t('phone.connect')}
          </button>
        )}
      </div>
    </>
  );
}

/** The number to call, and the confirmation a tel: or sip: link asks for before it dials. */
function DialPad() {
  const { t } = useTranslation();
  const number = useRoot((s) => s.dialNumber);
  const source = useRoot((s) => s.dialSource);
  const customerId = useRoot((s) => s.dialCustomerId) ?? undefined;
  const setNumber = useRoot((s) => s.setDialNumber);
  const registered = useRoot((s) => s.registration === 'registered');
  const ctl = useRoot((s) => s.phoneCtl);
  const id = useId();
  return (
    <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (number.trim()) ctl?.dial(number.trim(), customerId);
        }}
      >
        <div className="field">
          <label htmlFor={id}>{t('phone.numberLabel')}</label>
          <div className="inline">
            <input
              id={id}
              type="tel"
              inputMode="tel"
              autoComplete="off"
              maxLength={64}
              value={number}
              onChange={(e) => setNumber(e.target.value)}
            />
            <button type="submit" disabled={!registered || !number.trim()}>
              {t('phone.call')}
            </button>
          </div>
        </div>
      </form>
      {source && <p role="status">{t('phone.dialRequested', { scheme: source })}</p>}
      {source && registered && number.trim() && <ConfirmDial number={number.trim()} />}
    </>
  );
}

/** Call Now or Cancel for a number a link asked to dial. */
function ConfirmDial({ number }: { number: string }) {
  const { t } = useTranslation();
  const setNumber = useRoot((s) => s.setDialNumber);
  const raw = useRoot((s) => s.dialNumber);
  const ctl = useRoot((s) => s.phoneCtl);
  return (
    <div className="actions" role="group" aria-label={t('phone.confirmDial', { number })}>
      <span>{t('phone.confirmDial', { number })}</span>
      <button
        type="button"
        onClick={() => {
          ctl?.dial(number);
          setNumber(number);
        }}
      >
        {t('phone.callNow')}
      </button>
      <button type="button" onClick={() => setNumber(raw)}>
        {t('phone.cancelDial')}
      </button>
    </div>
  );
}
