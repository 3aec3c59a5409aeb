import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { ROUTING_LIMITS, WORK_KINDS } from '../../../shared/routing';
import { useApi } from '../../app/context';
import { Field, SaveRow } from './SettingsFormParts';
import { agentFormOf, agentRoutingOfForm } from './teamSettingsForm';
import { useSettingsForm } from './useSettingsForm';

type Member = TeamSettingsView['members'][number];

/**
 * One member's skills and how much work of each kind they may hold at once. Not `editable`: a
 * supervisor looking at a supervisor or admin (themselves too), whose settings only admins change.
 */
export function AgentSettings(props: { member: Member; editable: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const agentId = props.member.id;
  const s = useSettingsForm({
    stored: agentFormOf(props.member),
    parse: agentRoutingOfForm,
    send: (routing) => api.call('teams:setAgentRouting', { agentId, routing }),
    formOf: agentFormOf,
  });
  const f = s.form;
  const id = useId();
  const name = props.member.name;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <fieldset className="card" disabled={!props.editable}>
        <legend>{name}</legend>
        {props.member.role !== 'agent' && (
          <p className="hint">{t(`teamSettings.agents.role.${props.member.role}`)}</p>
        )}
        {!props.editable && <p className="hint">{t('teamSettings.agents.adminOnly')}</p>}
        <Field
          id={`${id}-skills`}
          label={t('teamSettings.agents.skills')}
          hint={t('teamSettings.skillsHint')}
          problem={s.problemOf('skills')}
        >
          {(describedBy, invalid) => (
            <input
              id={`${id}-skills`}
              value={f.skills}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => s.set({ skills: e.target.value })}
            />
          )}
        </Field>
        {WORK_KINDS.map((kind) => (
          <Field
            key={kind}
            id={`${id}-${kind}`}
            label={t(`teamSettings.agents.capacity.${kind}`)}
            problem={s.problemOf(kind)}
          >
            {(describedBy, invalid) => (
              <input
                id={`${id}-${kind}`}
                type="number"
                min={0}
                max={ROUTING_LIMITS.capacity[kind]}
                step={1}
                value={f[kind]}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => s.set({ [kind]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <SaveRow
          label={t('teamSettings.agents.save', { name })}
          savedText={t('teamSettings.agents.saved', { name })}
          form={s}
        />
      </fieldset>
    </form>
  );
}
