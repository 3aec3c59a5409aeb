import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '../../../shared/adminApi';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { messageOf } from './AdminView';
import { CreatePerson } from './CreatePerson';
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
