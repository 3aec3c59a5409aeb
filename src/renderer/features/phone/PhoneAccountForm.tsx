import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_AFTER_CALL_WORK_SECONDS,
  DEFAULT_DISPOSITIONS,
  type SipAccount,
  type SipAccountView,
} from '../../../shared/phone';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** SIP account settings; the password goes to main (the OS keychain), never back to this form. */
export function PhoneAccountForm(props: { view: SipAccountView }) {
  const { t } = useTranslation();
  const api = useApi();
  const bump = useRoot((s) => s.bumpData);
  const a = props.view.account;
  const [server, setServer] = useState(a?.server ?? '');
  const [uri, setUri] = useState(a?.uri ?? '');
  const [authUser, setAuthUser] = useState(a?.authUser ?? '');
  const [displayName, setDisplayName] = useState(a?.displayName ?? '');
  const [password, setPassword] = useState('');
  const [ice, setIce] = useState(
    (a?.iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])).join('\n'),
  );
  const [region, setRegion] = useState(a?.region ?? 'US');
  const [dtmf, setDtmf] = useState<SipAccount['dtmf']>(a?.dtmf ?? 'auto');
  const [dispositions, setDispositions] = useState((a?.dispositions ?? [...DEFAULT_DISPOSITIONS]).join('\n'));
  const [acwSeconds, setAcwSeconds] = useState(
    String(a?.afterCallWorkSeconds ?? DEFAULT_AFTER_CALL_WORK_SECONDS),
  );
  const [atLaunch, setAtLaunch] = useState(a?.connectAtLaunch ?? false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const ids = {
    server: useId(),
    uri: useId(),
    auth: useId(),
    name: useId(),
    pw: useId(),
    ice: useId(),
    region: useId(),
    dtmf: useId(),
    disp: useId(),
    acw: useId(),
  };
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      const account: SipAccount = {
        server: server.trim(),
        uri: uri.trim(),
        authUser: authUser.trim(),
        displayName: displayName.trim(),
        iceServers: lines(ice).map((urls) => ({ urls })),
        region: region.trim().toUpperCase(),
        dtmf,
        dispositions: lines(dispositions),
        afterCallWorkSeconds: Number(acwSeconds),
        ...(atLaunch ? { connectAtLaunch: true } : {}),
      };
      await api.call('phone:saveAccount', { account, ...(password ? { password } : {}) });
      setPassword('');
      setSaved(true);
      bump();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form
      className="card"
      aria-labelledby="sip-account-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="sip-account-title">{t('phoneAccount.title')}</h2>
      <div className="field">
        <label htmlFor={ids.server}>{t('phoneAccount.server')}</label>
        <input
          id={ids.server}
          value={server}
          maxLength={500}
          placeholder="wss://sip.example.com"
          onChange={(e) => setServer(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.uri}>{t('phoneAccount.uri')}</label>
        <input
          id={ids.uri}
          value={uri}
          maxLength={300}
          placeholder="sip:agent@example.com"
          onChange={(e) => setUri(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.auth}>{t('phoneAccount.authUser')}</label>
        <input id={ids.auth} value={authUser} maxLength={128} onChange={(e) => setAuthUser(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.pw}>{t('phoneAccount.password')}</label>
        <input
          id={ids.pw}
          type="password"
          autoComplete="new-password"
          value={password}
          maxLength={1024}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p className="hint">{t(`phoneAccount.passwordPlace.${props.view.password}`)}</p>
      </div>
      <div className="field">
        <label htmlFor={ids.name}>{t('phoneAccount.displayName')}</label>
        <input
          id={ids.name}
          value={displayName}
          maxLength={128}
          onChange={(e) => setDisplayName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.ice}>{t('phoneAccount.iceServers')}</label>
        <textarea id={ids.ice} value={ice} rows={2} onChange={(e) => setIce(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.region}>{t('phoneAccount.region')}</label>
        <input id={ids.region} value={region} maxLength={2} onChange={(e) => setRegion(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.dtmf}>{t('phoneAccount.dtmf')}</label>
        <select id={ids.dtmf} value={dtmf} onChange={(e) => setDtmf(e.target.value as SipAccount['dtmf'])}>
          <option value="auto">{t('phoneAccount.dtmfAuto')}</option>
          <option value="info">{t('phoneAccount.dtmfInfo')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.disp}>{t('phoneAccount.dispositions')}</label>
        <textarea
          id={ids.disp}
          value={dispositions}
          rows={4}
          onChange={(e) => setDispositions(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.acw}>{t('phoneAccount.afterCallWork')}</label>
        <input
          id={ids.acw}
          type="number"
          min={0}
          max={3600}
          step={1}
          value={acwSeconds}
          onChange={(e) => setAcwSeconds(e.target.value)}
        />
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={atLaunch} onChange={(e) => setAtLaunch(e.target.checked)} />{' '}
          {t('phoneAccount.connectAtLaunch')}
        </label>
      </div>
      <button type="submit">{t('phoneAccount.save')}</button>
      {saved && <p role="status">{t('phoneAccount.saved')}</p>}
      <ErrorText error={error} />
    </form>
  );
}
