import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonView } from '../../../shared/adminApi';
import { ROLES, type Role } from '../../../shared/sync/entities';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { messageOf } from './AdminView';
import { TeamChecks } from './TeamChecks';

type Props = {
  person: PersonView;
  teams: { id: string; name: string }[];
  /** This row is the signed-in admin: no disabling, demoting or resetting oneself. */
  self: boolean;
  onChanged: (p: PersonView) => void;
};

/** Runs an admin action at a time; shows the sentence it returns, or why it failed. */
type Run = (fn: () => Promise<string>) => Promise<void>;

/** One action at a time on a person, with what came of the last one. */
function usePersonAction() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run: Run = async (fn) => {
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
  return { status, error, busy, run };
}

/** One person: standing, role, teams, and the admin's actions on them. */
export function PersonRow({ person, teams, self, onChanged }: Props) {
  const { t } = useTranslation();
  const { status, error, busy, run } = usePersonAction();
  const [askReason, setAskReason] = useState(false);
  // Kept while the form is closed: cancelling and asking again shows what was typed.
  const [reason, setReason] = useState('');
  const row = { person, self, busy, run, onChanged };
  return (
    <fieldset className="card person" aria-busy={busy}>
      <legend>{person.name}</legend>
      <p>
        {person.email} ·{' '}
        {person.disabled ? t('admin.disabled', { reason: person.disabledReason ?? '' }) : t('admin.active')}
        {person.mustChangePassword && <> · {t('admin.mustChange')}</>} ·{' '}
        {person.lastSignInAt
          ? t('admin.lastSignIn', { time: new Date(person.lastSignInAt).toLocaleString() })
          : t('admin.neverSignedIn')}
      </p>
      <RoleField {...row} />
      <TeamsField {...row} teams={teams} />
      {!self && <StandingActions {...row} onDisable={() => setAskReason(true)} />}
      {askReason && !person.disabled && (
        <DisableForm {...row} reason={reason} onReason={setReason} onClose={() => setAskReason(false)} />
      )}
      {status && <p role="status">{status}</p>}
      <ErrorText error={error} />
    </fieldset>
  );
}

type RowPart = Omit<Props, 'teams'> & { busy: boolean; run: Run };

/** The person's role, saved on its own (never one's own). */
function RoleField({ person, self, busy, run, onChanged }: RowPart) {
  const { t } = useTranslation();
  const api = useApi();
  const [role, setRole] = useState<Role>(person.role);
  const id = useId();
  const name = person.name;
  const save = async () => {
    onChanged(await api.call('admin:setRole', { agentId: person.id, role }));
    return t('admin.saved', { name });
  };
  return (
    <div className="field">
      <label htmlFor={id}>{t('admin.roleOf', { name })}</label>
      <select id={id} value={role} disabled={self} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`admin.roles.${r}`)}
          </option>
        ))}
      </select>
      <button type="button" disabled={self || busy || role === person.role} onClick={() => void run(save)}>
        {t('admin.saveRole', { name })}
      </button>
    </div>
  );
}

/** The teams the person belongs to, saved together. */
function TeamsField({ person, teams, busy, run, onChanged }: RowPart & { teams: Props['teams'] }) {
  const { t } = useTranslation();
  const api = useApi();
  const [teamIds, setTeamIds] = useState(() => new Set(person.teams.map((x) => x.id)));
  const name = person.name;
  const save = async () => {
    onChanged(await api.call('admin:setTeams', { agentId: person.id, teamIds: [...teamIds] }));
    return t('admin.saved', { name });
  };
  return (
    <fieldset className="teams">
      <legend>{t('admin.teamsOf', { name })}</legend>
      <TeamChecks teams={teams} checked={teamIds} onChange={setTeamIds} />
      <button type="button" disabled={busy} onClick={() => void run(save)}>
        {t('admin.saveTeams', { name })}
      </button>
    </fieldset>
  );
}

/** Enable (or ask why to disable) and reset the password of someone else. */
function StandingActions({ person, busy, run, onChanged, onDisable }: RowPart & { onDisable: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const name = person.name;
  const enable = async () => {
    onChanged(await api.call('admin:setDisabled', { agentId: person.id, disabled: false }));
    return t('admin.enabledDone', { name });
  };
  const reset = async () => {
    const r = await api.call('admin:resetPassword', { agentId: person.id });
    onChanged({ ...person, mustChangePassword: true });
    return t('admin.resetDone', { name, password: r.temporaryPassword });
  };
  return (
    <div className="actions">
      {person.disabled ? (
        <button type="button" disabled={busy} onClick={() => void run(enable)}>
          {t('admin.enable', { name })}
        </button>
      ) : (
        <button type="button" disabled={busy} onClick={onDisable}>
          {t('admin.disable', { name })}
        </button>
      )}
      <button type="button" disabled={busy} onClick={() => void run(reset)}>
        {t('admin.reset', { name })}
      </button>
    </div>
  );
}

/** The reason for disabling the person (they are shown it), then Disable or Cancel. */
function DisableForm(
  props: RowPart & { reason: string; onReason: (reason: string) => void; onClose: () => void },
) {
  const { t } = useTranslation();
  const api = useApi();
  const { person, run, onChanged, onClose, reason } = props;
  const id = useId();
  const name = person.name;
  const disable = async () => {
    onChanged(
      await api.call('admin:setDisabled', { agentId: person.id, disabled: true, reason: reason.trim() }),
    );
    return t('admin.disabledDone', { name });
  };
  return (
    <form
      className="confirm"
      onSubmit={(e) => {
        e.preventDefault();
        onClose();
        void run(disable);
      }}
    >
      <div className="field">
        <label htmlFor={id}>{t('admin.reason', { name })}</label>
        <input
          id={id}
          value={reason}
          maxLength={500}
          required
          onChange={(e) => props.onReason(e.target.value)}
        />
      </div>
      <button type="submit" disabled={!reason.trim()}>
        {t('admin.confirmDisable', { name })}
      </button>
      <button type="button" onClick={onClose}>
        {t('admin.cancel')}
      </button>
    </form>
  );
}
