import { useId, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SipAccount, SipAccountView } from '../../../shared/phone';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { phoneAccountFieldsOf, phoneAccountOf, type PhoneAccountFields } from './sipAccountFields';

type TextField = Exclude<keyof PhoneAccountFields, 'dtmf' | 'atLaunch'>;
type Edit = { fields: PhoneAccountFields; set: (patch: Partial<PhoneAccountFields>) => void };

/** SIP account settings; the password goes to main (the OS keychain), never back to this form. */
export function PhoneAccountForm(props: { view: SipAccountView }) {
  const { t } = useTranslation();
  const api = useApi();
  const bump = useRoot((s) => s.bumpData);
  const [fields, setFields] = useState(() => phoneAccountFieldsOf(props.view.account));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const edit: Edit = { fields, set: (patch) => setFields((f) => ({ ...f, ...patch })) };
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      const { password } = fields;
      await api.call('phone:saveAccount', {
        account: phoneAccountOf(fields),
        ...(password ? { password } : {}),
      });
      edit.set({ password: '' });
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
      <ConnectionFields edit={edit} passwordPlace={props.view.password} />
      <CallFields edit={edit} />
      <button type="submit">{t('phoneAccount.save')}</button>
      {saved && <p role="status">{t('phoneAccount.saved')}</p>}
      <ErrorText error={error} />
    </form>
  );
}

/** Where and as whom the phone registers: server, address, credentials, name, ICE servers. */
function ConnectionFields({
  edit,
  passwordPlace,
}: {
  edit: Edit;
  passwordPlace: SipAccountView['password'];
}) {
  const { t } = useTranslation();
  return (
    <>
      <AccountInput
        edit={edit}
        field="server"
        label={t('phoneAccount.server')}
        input={{ maxLength: 500, placeholder: 'wss://sip.example.com' }}
      />
      <AccountInput
        edit={edit}
        field="uri"
        label={t('phoneAccount.uri')}
        input={{ maxLength: 300, placeholder: 'sip:agent@example.com' }}
      />
      <AccountInput
        edit={edit}
        field="authUser"
        label={t('phoneAccount.authUser')}
        input={{ maxLength: 128 }}
      />
      <AccountInput
        edit={edit}
        field="password"
        label={t('phoneAccount.password')}
        input={{ type: 'password', autoComplete: 'new-password', maxLength: 1024 }}
      >
        <p className="hint">{t(`phoneAccount.passwordPlace.${passwordPlace}`)}</p>
      </AccountInput>
      <AccountInput
        edit={edit}
        field="displayName"
        label={t('phoneAccount.displayName')}
        input={{ maxLength: 128 }}
      />
      <AccountText edit={edit} field="ice" label={t('phoneAccount.iceServers')} rows={2} />
    </>
  );
}

/** How calls behave: number region, DTMF, wrap-up dispositions and time, connecting at launch. */
function CallFields({ edit }: { edit: Edit }) {
  const { t } = useTranslation();
  const dtmfId = useId();
  const { fields, set } = edit;
  return (
    <>
      <AccountInput edit={edit} field="region" label={t('phoneAccount.region')} input={{ maxLength: 2 }} />
      <div className="field">
        <label htmlFor={dtmfId}>{t('phoneAccount.dtmf')}</label>
        <select
          id={dtmfId}
          value={fields.dtmf}
          onChange={(e) => set({ dtmf: e.target.value as SipAccount['dtmf'] })}
        >
          <option value="auto">{t('phoneAccount.dtmfAuto')}</option>
          <option value="info">{t('phoneAccount.dtmfInfo')}</option>
        </select>
      </div>
      <AccountText edit={edit} field="dispositions" label={t('phoneAccount.dispositions')} rows={4} />
      <AccountInput
        edit={edit}
        field="acwSeconds"
        label={t('phoneAccount.afterCallWork')}
        input={{ type: 'number', min: 0, max: 3600, step: 1 }}
      />
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={fields.atLaunch}
            onChange={(e) => set({ atLaunch: e.target.checked })}
          />{' '}
          {t('phoneAccount.connectAtLaunch')}
        </label>
      </div>
    </>
  );
}

/** One labelled text input of the account. */
function AccountInput(props: {
  edit: Edit;
  field: TextField;
  label: string;
  input?: InputHTMLAttributes<HTMLInputElement>;
  children?: ReactNode;
}) {
  const id = useId();
  const { edit, field } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        {...props.input}
        value={edit.fields[field]}
        onChange={(e) => edit.set({ [field]: e.target.value })}
      />
      {props.children}
    </div>
  );
}

/** One labelled list of the account, an entry a line. */
function AccountText(props: { edit: Edit; field: 'ice' | 'dispositions'; label: string; rows: number }) {
  const id = useId();
  const { edit, field } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        value={edit.fields[field]}
        rows={props.rows}
        onChange={(e) => edit.set({ [field]: e.target.value })}
      />
    </div>
  );
}
