import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { useApi } from '../../app/context';
import { CheckField, Field, InputField, SaveRow } from './SettingsFormParts';
import { recordingFormOf, recordingPolicyOf, type RecordingForm } from './teamSettingsForm';
import { useSettingsForm, type SettingsForm } from './useSettingsForm';

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
  return (
    <form
      className="card"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <h2 id={`${id}-title`}>{t('teamSettings.recording.title')}</h2>
      <CheckField
        label={t('teamSettings.recording.enabled')}
        checked={f.enabled}
        onChange={(enabled) => s.set({ enabled })}
      />
      <Field
        id={`${id}-consent`}
        label={t('teamSettings.recording.consent')}
        hint={t('teamSettings.recording.consentHint')}
        problem={s.problemOf('consentText')}
      >
        {(describedBy, invalid) => (
          <textarea
            id={`${id}-consent`}
            rows={2}
            maxLength={500}
            value={f.consentText}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => s.set({ consentText: e.target.value })}
          />
        )}
      </Field>
      <PlaybackFields s={s} />
      <RetentionFields id={id} s={s} />
      <SaveRow
        label={t('teamSettings.recording.save')}
        savedText={t('teamSettings.recording.saved')}
        form={s}
      />
    </form>
  );
}

/** Who besides admins may play the team's recordings. */
function PlaybackFields({ s }: { s: SettingsForm<RecordingForm> }) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('teamSettings.recording.playback')}</legend>
      <label>
        <input
          type="checkbox"
          checked={s.form.supervisorsMayPlay}
          onChange={(e) => s.set({ supervisorsMayPlay: e.target.checked })}
        />{' '}
        {t('teamSettings.recording.supervisors')}
      </label>{' '}
      <label>
        <input
          type="checkbox"
          checked={s.form.agentsMayPlay}
          onChange={(e) => s.set({ agentsMayPlay: e.target.checked })}
        />{' '}
        {t('teamSettings.recording.agents')}
      </label>
      <p className="hint">{t('teamSettings.recording.adminsAlways')}</p>
    </fieldset>
  );
}

/** Whether recordings stay until deleted by hand or go after a number of days. */
function RetentionFields({ id, s }: { id: string; s: SettingsForm<RecordingForm> }) {
  const { t } = useTranslation();
  const f = s.form;
  return (
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
        <InputField
          id={`${id}-days`}
          label={t('teamSettings.recording.days')}
          problem={s.problemOf('retentionDays')}
          value={f.retentionDays}
          onChange={(retentionDays) => s.set({ retentionDays })}
          input={{ type: 'number', min: 1, max: 3650, step: 1 }}
        />
      )}
    </fieldset>
  );
}
