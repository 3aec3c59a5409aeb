import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { STRATEGIES, type Strategy } from '../../../shared/routing';
import { useApi } from '../../app/context';
import { CheckField, Field, InputField, SaveRow } from './SettingsFormParts';
import { queueFormOf, queueRoutingOfForm, type QueueForm } from './teamSettingsForm';
import { useSettingsForm, type SettingsForm } from './useSettingsForm';

type Inbox = TeamSettingsView['inboxes'][number];
type Target = { id: string; name: string };

/** How one inbox's queue routes: strategy, required skills, offer time, overflow to another inbox. */
export function QueueSettings(props: { inbox: Inbox; targets: Target[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const inboxId = props.inbox.id;
  const s = useSettingsForm({
    stored: queueFormOf(props.inbox.routing),
    parse: queueRoutingOfForm,
    send: (routing) => api.call('teams:setQueueRouting', { inboxId, routing }),
    formOf: queueFormOf,
  });
  const f = s.form;
  const id = useId();
  const targets = props.targets.filter((x) => x.id !== inboxId);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <fieldset className="card">
        <legend>{props.inbox.name}</legend>
        <Field id={`${id}-strategy`} label={t('teamSettings.queue.strategy')} problem={null}>
          {() => (
            <select
              id={`${id}-strategy`}
              value={f.strategy}
              onChange={(e) => s.set({ strategy: e.target.value as Strategy })}
            >
              {STRATEGIES.map((x) => (
                <option key={x} value={x}>
                  {t(`teamSettings.queue.strategies.${x}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <InputField
          id={`${id}-skills`}
          label={t('teamSettings.queue.requiredSkills')}
          hint={t('teamSettings.skillsHint')}
          problem={s.problemOf('requiredSkills')}
          value={f.requiredSkills}
          onChange={(requiredSkills) => s.set({ requiredSkills })}
        />
        <InputField
          id={`${id}-offer`}
          label={t('teamSettings.queue.offerTimeout')}
          problem={s.problemOf('offerTimeout')}
          value={f.offerTimeoutSeconds}
          onChange={(offerTimeoutSeconds) => s.set({ offerTimeoutSeconds })}
          input={{ type: 'number', min: 5, max: 600, step: 1 }}
        />
        <CheckField
          label={t('teamSettings.queue.overflow')}
          checked={f.overflow}
          disabled={targets.length === 0 && !f.overflow}
          onChange={(overflow) => s.set({ overflow })}
        />
        {f.overflow && <OverflowFields id={id} s={s} targets={targets} />}
        <SaveRow
          label={t('teamSettings.queue.save', { name: props.inbox.name })}
          savedText={t('teamSettings.queue.saved', { name: props.inbox.name })}
          form={s}
        />
      </fieldset>
    </form>
  );
}

/** When a waiting item overflows, and to which of the other inboxes. */
function OverflowFields(props: { id: string; s: SettingsForm<QueueForm>; targets: Target[] }) {
  const { t } = useTranslation();
  const { id, s } = props;
  return (
    <>
      <InputField
        id={`${id}-after`}
        label={t('teamSettings.queue.overflowAfter')}
        problem={s.problemOf('overflowAfter')}
        value={s.form.overflowAfterSeconds}
        onChange={(overflowAfterSeconds) => s.set({ overflowAfterSeconds })}
        input={{ type: 'number', min: 10, max: 86400, step: 1 }}
      />
      <Field id={`${id}-to`} label={t('teamSettings.queue.overflowTo')} problem={s.problemOf('overflowTo')}>
        {(describedBy, invalid) => (
          <select
            id={`${id}-to`}
            value={s.form.overflowToInboxId}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => s.set({ overflowToInboxId: e.target.value })}
          >
            <option value="">{t('teamSettings.queue.chooseInbox')}</option>
            {props.targets.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}
