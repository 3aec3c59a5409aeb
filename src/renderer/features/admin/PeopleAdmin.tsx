import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '../../../shared/adminApi';
import { ROLES, type Role } from '../../../shared/sync/entities';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { messageOf } from './AdminView';
import { PersonRow } from './PersonRow';

/** Admin › People: everyone on the relay, with a form to add someone. Needs the network. */
export function PeopleAdmin() {
  const { t } = useTranslation();
  const api = useApi();
  const selfId = useRoot((s) => s.session?.agent?.id ?? null);
  const [people, setPeople] = useState<PersonView[]>([]);
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);

  // Bumped by Refresh; the effect below (re)loads on every change.
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let live = true;
    api.call('admin:listPeople', {}).then(
      (r) => {
        if (!live) return;
        setError(null);
        setPeople(r.people);
        setTeams(r.teams);
      },
      (err: unknown) => live && setError(t('admin.loadFailed', { message: messageOf(err) })),
    );
    return () => {
      live = false;
    };
  }, [api, t, reloads]);

  const replace = (p: PersonView) => setPeople((all) => all.map((x) => (x.id === p.id ? p : x)));

  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">{t('admin.people')}</h2>
      <button type="button" onClick={() => setReloads((n) => n + 1)}>
        {t('admin.refresh')}
      </button>
      <ErrorText error={error} />
      <CreatePerson teams={teams} onCreated={(p) => setPeople((all) => [...all, p])} />
      <ul className="people" aria-label={t('admin.people')}>
        {people.map((p) => (
          <li key={p.id}>
            <PersonRow person={p} teams={teams} self={p.id === selfId} onChanged={replace} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function CreatePerson(props: { teams: { id: string; name: string }[]; onCreated: (p: PersonView) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [form, setForm] = useState({ name: '', email: '', role: 'agent' as Role, password: '' });
  const [teamIds, setTeamIds] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), email: useId(), role: useId(), password: useId() };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setStatus(null);
    try {
      const p = await api.call('admin:createPerson', { ...form, teamIds: [...teamIds] });
      props.onCreated(p);
      setStatus(t('admin.added', { name: p.name }));
      setForm({ name: '', email: '', role: 'agent', password: '' });
      setTeamIds(new Set());
    } catch (err) {
      setError(t('admin.failed', { message: messageOf(err) }));
    }
  };

  return (
    <form className="card" aria-label={t('admin.create')} onSubmit={(e) => void submit(e)}>
      <h3>{t('admin.create')}</h3>
      <div className="field">
        <label htmlFor={ids.name}>{t('admin.name')}</label>
        <input
          id={ids.name}
          value={form.name}
          required
          onChange={(e) => setForm({ ...form, name: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.email}>{t('admin.email')}</label>
        <input
          id={ids.email}
          type="email"
          value={form.email}
          required
          onChange={(e) => setForm({ ...form, email: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.role}>{t('admin.role')}</label>
        <select
          id={ids.role}
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
      <div className="field">
        <label htmlFor={ids.password}>{t('admin.tempPassword')}</label>
        <input
          id={ids.password}
          type="password"
          autoComplete="new-password"
          minLength={8}
          value={form.password}
          required
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
      </div>
      <fieldset className="teams">
        <legend>{t('admin.teams')}</legend>
        {props.teams.map((team) => (
          <label key={team.id}>
            <input
              type="checkbox"
              checked={teamIds.has(team.id)}
              onChange={(e) => {
                const next = new Set(teamIds);
                if (e.target.checked) next.add(team.id);
                else next.delete(team.id);
                setTeamIds(next);
              }}
            />
            {team.name}
          </label>
        ))}
      </fieldset>
      <button type="submit">{t('admin.add')}</button>
      {status && <p role="status">{status}</p>}
      <ErrorText error={error} />
    </form>
  );
}
