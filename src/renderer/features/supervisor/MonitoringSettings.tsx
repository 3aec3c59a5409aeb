import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import type { TeamMonitoring } from '../../../shared/monitoring';
import { useApi } from '../../app/context';
import { SaveRow } from './SettingsFormParts';
import { useSettingsForm } from './useSettingsForm';

/** Whether the team's agents see that a supervisor listens, whispers or barges (default: shown). */
export function MonitoringSettings(props: { team: TeamSettingsView }) {
  const { t } = useTranslation();
  const api = useApi();
  const teamId = props.team.id;
  const s = useSettingsForm<TeamMonitoring, TeamMonitoring, TeamMonitoring>({
    stored: props.team.monitoring,
    parse: (f) => ({ ok: true, value: f }),
    send: (monitoring) => api.call('teams:setMonitoring', { teamId, monitoring }),
    formOf: (m) => m,
  });
  const id = useId();
  return (
    <form
      className="card"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <h2 id={`${id}-title`}>{t('monitoring.teamSetting.title')}</h2>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={s.form.agentSees}
            aria-describedby={`${id}-hint`}
            onChange={(e) => s.set({ agentSees: e.target.checked })}
          />{' '}
          {t('monitoring.teamSetting.agentSees')}
        </label>
        <p className="hint" id={`${id}-hint`}>
          {t('monitoring.teamSetting.hint')}
        </p>
      </div>
      <SaveRow
        label={t('monitoring.teamSetting.save')}
        savedText={t('monitoring.teamSetting.saved')}
        form={s}
      />
    </form>
  );
}
