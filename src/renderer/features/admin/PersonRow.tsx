import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '../../../shared/adminApi';
import { ROLES, type Role } from '../../../shared/sync/entities';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { messageOf } from './AdminView';

type Props = {
  person: PersonView;
  teams: { id: string; name: string }[];
  /** This row is the signed-in admin: no disabling, demoting or resetting oneself. */
  self: boolean;
  onChanged: (p: PersonView) => void;
};

/** One person: standing, role, teams, and the admin's actions on them. */
export function PersonRow({ person, teams, self, onChanged }: Props) {
  const { t } = useTranslation();
  const api = useApi();
  const name = person.name;
  const [role, setRole] = useState<Role>(person.role);
  const [teamIds, setTeamIds] = useState(() => new Set(person.teams.map((x) => x.id)));
  const [askReason, setAskReason] = useState(false);
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { role: useId(), reason: useId() };

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      setStatus(await fn());
    } catch (err) {
      setError(t('admin.failed', { message: messageOf(err) }));
    } finally {
      setBusy(false);
    }
  };
  const changed = (p: PersonView, message: string) => {
    onChanged(p);
    return message;
  };

  return (
    <fieldset className="card person" aria-busy={busy}>
      <legend>{name}</legend>
      <p>
        {person.email} ·{' '}
        {person.disabled ? t('admin.disabled', { reason: person.disabledReason ?? '' }) : t('admin.active')}
        {person.mustChangePassword && <> · {t('admin.mustChange')}</>} ·{' '}
        {person.lastSignInAt
          ? t('admin.lastSignIn', { time: new Date(person.lastSignInAt).toLocaleString() })
          : t('admin.neverSignedIn')}
      </p>
      <div className="field">
        <label htmlFor={ids.role}>{t('admin.roleOf', { name })}</label>
        <select id={ids.role} value={role} disabled={self} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`admin.roles.${r}`)}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={self || busy || role === person.role}
          onClick={() =>
            void run(async () =>
              changed(
                await api.call('admin:setRole', { agentId: person.id, role }),
                t('admin.saved', { name }),
              ),
            )
          }
        >
          {t('admin.saveRole', { name })}
        </button>
      </div>
      <fieldset className="teams">
        <legend>{t('admin.teamsOf', { name })}</legend>
        {teams.map((team) => (
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
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(async () =>
              changed(
                await api.call('admin:setTeams', { agentId: person.id, teamIds: [...teamIds] }),
                t('admin.saved', { name }),
              ),
            )
          }
        >
          {t('admin.saveTeams', { name })}
        </button>
      </fieldset>
      {!self && (
        <div className="actions">
          {person.disabled ? (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () =>
                  changed(
                    await api.call('admin:setDisabled', { agentId: person.id, disabled: false }),
                    t('admin.enabledDone', { name }),
                  ),
                )
              }
            >
              {t('admin.enable', { name })}
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => setAskReason(true)}>
              {t('admin.disable', { name })}
            </button>
          )}
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                const r = await api.call('admin:resetPassword', { agentId: person.id });
                onChanged({ ...person, mustChangePassword: true });
                return t('admin.resetDone', { name, password: r.temporaryPassword });
              })
            }
          >
            {t('admin.reset', { name })}
          </button>
        </div>
      )}
      {askReason && !person.disabled && (
        <form
          className="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            setAskReason(false);
            void run(async () =>
              changed(
                await api.call('admin:setDisabled', {
                  agentId: person.id,
                  disabled: true,
                  reason: reason.trim(),
                }),
                t('admin.disabledDone', { name }),
              ),
            );
          }}
        >
          <div className="field">
            <label htmlFor={ids.reason}>{t('admin.reason', { name })}</label>
            <input
              id={ids.reason}
              value={reason}
              maxLength={500}
              required
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <button type="submit" disabled={!reason.trim()}>
            {t('admin.confirmDisable', { name })}
          </button>
          <button type="button" onClick={() => setAskReason(false)}>
            {t('admin.cancel')}
          </button>
        </form>
      )}
      {status && <p role="status">{status}</p>}
      <ErrorText error={error} />
    </fieldset>
  );
}
