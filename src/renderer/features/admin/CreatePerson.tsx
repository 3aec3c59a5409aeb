import { useId, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '../../../shared/adminApi';
import { ROLES, type Role } from '../../../shared/sync/entities';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { messageOf } from './AdminView';
import { TeamChecks } from './TeamChecks';

type PersonForm = { name: string; email: string; role: Role; password: string };
const EMPTY: PersonForm = { name: '', email: '', role: 'agent', password: '' };

/** Admin › People › Add: a new person with a role, teams and a temporary password. */
export function CreatePerson(props: {
  teams: { id: string; name: string }[];
  onCreated: (p: PersonView) => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [form, setForm] = useState<PersonForm>(EMPTY);
  const [teamIds, setTeamIds] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const roleId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setStatus(null);
    try {
      const p = await api.call('admin:createPerson', { ...form, teamIds: [...teamIds] });
      props.onCreated(p);
      setStatus(t('admin.added', { name: p.name }));
      setForm(EMPTY);
      setTeamIds(new Set());
    } catch (err) {
      setError(t('admin.failed', { message: messageOf(err) }));
    }
  };
  const text = (field: 'name' | 'email' | 'password') => (value: string) =>
    setForm({ ...form, [field]: value });

  return (
    <form className="card" aria-label={t('admin.create')} onSubmit={(e) => void submit(e)}>
      <h3>{t('admin.create')}</h3>
      <PersonInput label={t('admin.name')} value={form.name} onChange={text('name')} />
      <PersonInput
        label={t('admin.email')}
        value={form.email}
        onChange={text('email')}
        input={{ type: 'email' }}
      />
      <div className="field">
        <label htmlFor={roleId}>{t('admin.role')}</label>
        <select
          id={roleId}
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`admin.roles.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <PersonInput
        label={t('admin.tempPassword')}
        value={form.password}
        onChange={text('password')}
        input={{ type: 'password', autoComplete: 'new-password', minLength: 8 }}
      />
      <fieldset className="teams">
        <legend>{t('admin.teams')}</legend>
        <TeamChecks teams={props.teams} checked={teamIds} onChange={setTeamIds} />
      </fieldset>
      <button type="submit">{t('admin.add')}</button>
      {status && <p role="status">{status}</p>}
      <ErrorText error={error} />
    </form>
  );
}

/** One required text input of the new person, labelled. */
function PersonInput(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  input?: InputHTMLAttributes<HTMLInputElement>;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        {...props.input}
        value={props.value}
        required
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
