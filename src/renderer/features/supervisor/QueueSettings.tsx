import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { STRATEGIES, type Strategy } from '../../../shared/routing';
import { useApi } from '../../app/context';
import { Field, SaveRow } from './SettingsFormParts';
import { queueFormOf, queueRoutingOfForm } from './teamSettingsForm';
import { useSettingsForm } from './useSettingsForm';

type Inbox = TeamSettingsView['inboxes'][number];

/** How one inbox's queue routes: strategy, required skills, offer time, overflow to another inbox. */
export function QueueSettings(props: { inbox: Inbox; targets: { id: string; name: string }[] }) {
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
  const ids = {
    strategy: `${id}-strategy`,
    skills: `${id}-skills`,
    offer: `${id}-offer`,
    after: `${id}-after`,
    to: `${id}-to`,
  };
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
        <Field id={ids.strategy} label={t('teamSettings.queue.strategy')} problem={null}>
          {() => (
            <select
              id={ids.strategy}
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
        <Field
          id={ids.skills}
          label={t('teamSettings.queue.requiredSkills')}
          hint={t('teamSettings.skillsHint')}
          problem={s.problemOf('requiredSkills')}
        >
          {(describedBy, invalid) => (
            <input
              id={ids.skills}
              value={f.requiredSkills}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => s.set({ requiredSkills: e.target.value })}
            />
          )}
        </Field>
        <Field
          id={ids.offer}
          label={t('teamSettings.queue.offerTimeout')}
          problem={s.problemOf('offerTimeout')}
        >
          {(describedBy, invalid) => (
            <input
              id={ids.offer}
              type="number"
              min={5}
              max={600}
              step={1}
              value={f.offerTimeoutSeconds}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => s.set({ offerTimeoutSeconds: e.target.value })}
            />
          )}
        </Field>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={f.overflow}
              disabled={targets.length === 0 && !f.overflow}
              onChange={(e) => s.set({ overflow: e.target.checked })}
            />{' '}
            {t('teamSettings.queue.overflow')}
          </label>
        </div>
        {f.overflow && (
          <>
            <Field
              id={ids.after}
              label={t('teamSettings.queue.overflowAfter')}
              problem={s.problemOf('overflowAfter')}
            >
              {(describedBy, invalid) => (
                <input
                  id={ids.after}
                  type="number"
                  min={10}
                  max={86400}
                  step={1}
                  value={f.overflowAfterSeconds}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  onChange={(e) => s.set({ overflowAfterSeconds: e.target.value })}
                />
              )}
            </Field>
            <Field id={ids.to} label={t('teamSettings.queue.overflowTo')} problem={s.problemOf('overflowTo')}>
              {(describedBy, invalid) => (
                <select
                  id={ids.to}
                  value={f.overflowToInboxId}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  onChange={(e) => s.set({ overflowToInboxId: e.target.value })}
                >
                  <option value="">{t('teamSettings.queue.chooseInbox')}</option>
                  {targets.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
        <SaveRow
          label={t('teamSettings.queue.save', { name: props.inbox.name })}
          savedText={t('teamSettings.queue.saved', { name: props.inbox.name })}
          form={s}
        />
      </fieldset>
    </form>
  );
}
