import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { useApi } from '../../app/context';
import { Field, SaveRow } from './SettingsFormParts';
import { recordingFormOf, recordingPolicyOf } from './teamSettingsForm';
import { useSettingsForm } from './useSettingsForm';

/** A team's call recording: on or off, the consent text, who may play, how long recordings stay. */
export function RecordingSettings(props: { team: TeamSettingsView }) {
  const { t } = useTranslation();
  const api = useApi();
  const teamId = props.team.id;
  const s = useSettingsForm({
    stored: recordingFormOf(props.team.recording),
    parse: recordingPolicyOf,
    send: (policy) => api.call('teams:setRecording', { teamId, policy }),
    formOf: recordingFormOf,
  });
  const f = s.form;
  const id = useId();
  const ids = { title: `${id}-title`, enabled: `${id}-on`, consent: `${id}-consent`, days: `${id}-days` };
  return (
    <form
      className="card"
      aria-labelledby={ids.title}
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <h2 id={ids.title}>{t('teamSettings.recording.title')}</h2>
      <div className="field">
        <label>
          <input type="checkbox" checked={f.enabled} onChange={(e) => s.set({ enabled: e.target.checked })} />{' '}
          {t('teamSettings.recording.enabled')}
        </label>
      </div>
      <Field
        id={ids.consent}
        label={t('teamSettings.recording.consent')}
        hint={t('teamSettings.recording.consentHint')}
        problem={s.problemOf('consentText')}
      >
        {(describedBy, invalid) => (
          <textarea
            id={ids.consent}
            rows={2}
            maxLength={500}
            value={f.consentText}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => s.set({ consentText: e.target.value })}
          />
        )}
      </Field>
      <fieldset>
        <legend>{t('teamSettings.recording.playback')}</legend>
        <label>
          <input
            type="checkbox"
            checked={f.supervisorsMayPlay}
            onChange={(e) => s.set({ supervisorsMayPlay: e.target.checked })}
          />{' '}
          {t('teamSettings.recording.supervisors')}
        </label>{' '}
        <label>
          <input
            type="checkbox"
            checked={f.agentsMayPlay}
            onChange={(e) => s.set({ agentsMayPlay: e.target.checked })}
          />{' '}
          {t('teamSettings.recording.agents')}
        </label>
        <p className="hint">{t('teamSettings.recording.adminsAlways')}</p>
      </fieldset>
      <fieldset>
        <legend>{t('teamSettings.recording.retention')}</legend>
        <label>
          <input type="radio" name={`${id}-keep`} checked={f.keep} onChange={() => s.set({ keep: true })} />{' '}
          {t('teamSettings.recording.keep')}
        </label>{' '}
        <label>
          <input type="radio" name={`${id}-keep`} checked={!f.keep} onChange={() => s.set({ keep: false })} />{' '}
          {t('teamSettings.recording.deleteAfter')}
        </label>
        {!f.keep && (
          <Field
            id={ids.days}
            label={t('teamSettings.recording.days')}
            problem={s.problemOf('retentionDays')}
          >
            {(describedBy, invalid) => (
              <input
                id={ids.days}
                type="number"
                min={1}
                max={3650}
                step={1}
                value={f.retentionDays}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => s.set({ retentionDays: e.target.value })}
              />
            )}
          </Field>
        )}
      </fieldset>
      <SaveRow
        label={t('teamSettings.recording.save')}
        savedText={t('teamSettings.recording.saved')}
        form={s}
      />
    </form>
  );
}
