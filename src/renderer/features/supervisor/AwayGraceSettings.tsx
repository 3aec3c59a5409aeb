import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { AWAY_GRACE_LIMITS } from '../../../shared/routing';
import { useApi } from '../../app/context';
import { Field, SaveRow } from './SettingsFormParts';
import { awayGraceFormOf, teamRoutingOfForm } from './teamSettingsForm';
import { useSettingsForm } from './useSettingsForm';

/** How long a team's waiting chats and ringing calls stay with an agent whose connection dropped. */
export function AwayGraceSettings(props: { team: TeamSettingsView }) {
  const { t } = useTranslation();
  const api = useApi();
  const teamId = props.team.id;
  const s = useSettingsForm({
    stored: awayGraceFormOf(props.team.routing),
    parse: teamRoutingOfForm,
    send: (routing) => api.call('teams:setAwayGrace', { teamId, routing }),
    formOf: awayGraceFormOf,
  });
  const id = useId();
  const ids = { title: `${id}-title`, seconds: `${id}-seconds` };
  return (
    <form
      className="card"
      aria-labelledby={ids.title}
      // Our own check names the bounds in the agent's language; the browser's bubble would not.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <h2 id={ids.title}>{t('teamSettings.awayGrace.title')}</h2>
      <Field
        id={ids.seconds}
        label={t('teamSettings.awayGrace.seconds')}
        hint={t('teamSettings.awayGrace.hint')}
        problem={s.problemOf('seconds')}
      >
        {(describedBy, invalid) => (
          <input
            id={ids.seconds}
            type="number"
            min={AWAY_GRACE_LIMITS.minMs / 1000}
            max={AWAY_GRACE_LIMITS.maxMs / 1000}
            step={1}
            value={s.form.seconds}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => s.set({ seconds: e.target.value })}
          />
        )}
      </Field>
      <SaveRow
        label={t('teamSettings.awayGrace.save')}
        savedText={t('teamSettings.awayGrace.saved')}
        form={s}
      />
    </form>
  );
}
