import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { useApi } from '../../app/context';
import { Field, SaveRow } from './SettingsFormParts';
import { FORM_DAYS, slaFormOf, slaPolicyOfForm } from './slaForm';
import { useSettingsForm } from './useSettingsForm';

type Inbox = TeamSettingsView['inboxes'][number];

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * One inbox's SLA: first-response and resolution targets in business minutes, the weekly hours
 * (in the team's time zone) and holidays the clock stops for. The relay sets due times from it.
 */
export function SlaSettings(props: { inbox: Inbox }) {
  const { t } = useTranslation();
  const api = useApi();
  const inboxId = props.inbox.id;
  const zone = localZone();
  const s = useSettingsForm({
    stored: slaFormOf(props.inbox.sla, zone),
    parse: slaPolicyOfForm,
    send: (sla) => api.call('teams:setSlaPolicy', { inboxId, sla }),
    formOf: (r) => slaFormOf(r.sla, zone),
  });
  const f = s.form;
  const id = useId();
  const number = (field: 'firstResponseMinutes' | 'resolutionMinutes') => (
    <Field
      id={`${id}-${field}`}
      label={t(`sla.settings.${field}`)}
      hint={t('sla.settings.minutesHint')}
      problem={s.problemOf(field)}
    >
      {(describedBy, invalid) => (
        <input
          id={`${id}-${field}`}
          type="number"
          min={1}
          step={1}
          value={f[field]}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(e) => s.set({ [field]: e.target.value })}
        />
      )}
    </Field>
  );
  return (
    // noValidate: the form's own checks say what to fix (the browser's would stop the submit silently).
    <form
      noValidate
      aria-label={t('sla.settings.legend', { inbox: props.inbox.name })}
      onSubmit={(e) => {
        e.preventDefault();
        void s.save();
      }}
    >
      <fieldset className="card">
        <legend>{t('sla.settings.legend', { inbox: props.inbox.name })}</legend>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={f.enabled}
              onChange={(e) => s.set({ enabled: e.target.checked })}
            />{' '}
            {t('sla.settings.enabled')}
          </label>
        </div>
        {f.enabled && (
          <>
            {number('firstResponseMinutes')}
            {number('resolutionMinutes')}
            <Field
              id={`${id}-zone`}
              label={t('sla.settings.timeZone')}
              hint={t('sla.settings.timeZoneHint')}
              problem={s.problemOf('timeZone')}
            >
              {(describedBy, invalid) => (
                <input
                  id={`${id}-zone`}
                  value={f.timeZone}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  onChange={(e) => s.set({ timeZone: e.target.value })}
                />
              )}
            </Field>
            <div className="field">
              <label>
                <input
                  type="checkbox"
                  checked={f.aroundTheClock}
                  onChange={(e) => s.set({ aroundTheClock: e.target.checked })}
                />{' '}
                {t('sla.settings.aroundTheClock')}
              </label>
            </div>
            {!f.aroundTheClock && (
              <fieldset>
                <legend>{t('sla.settings.hours')}</legend>
                <p className="hint">{t('sla.settings.hoursHint')}</p>
                {s.problemOf('hours') && <p className="error">{s.problemOf('hours')}</p>}
                {FORM_DAYS.map((day) => (
                  <Field
                    key={day}
                    id={`${id}-day-${day}`}
                    label={t(`sla.days.${day}`)}
                    problem={s.problemOf(`hours.${day}`)}
                  >
                    {(describedBy, invalid) => (
                      <input
                        id={`${id}-day-${day}`}
                        value={f.hours[day] ?? ''}
                        placeholder={t('sla.settings.closed')}
                        aria-describedby={describedBy}
                        aria-invalid={invalid}
                        onChange={(e) =>
                          s.set({ hours: f.hours.map((h, i) => (i === day ? e.target.value : h)) })
                        }
                      />
                    )}
                  </Field>
                ))}
              </fieldset>
            )}
            <Field
              id={`${id}-holidays`}
              label={t('sla.settings.holidays')}
              hint={t('sla.settings.holidaysHint')}
              problem={s.problemOf('holidays')}
            >
              {(describedBy, invalid) => (
                <textarea
                  id={`${id}-holidays`}
                  rows={2}
                  value={f.holidays}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  onChange={(e) => s.set({ holidays: e.target.value })}
                />
              )}
            </Field>
          </>
        )}
        <SaveRow label={t('sla.settings.save')} savedText={t('sla.settings.saved')} form={s} />
      </fieldset>
    </form>
  );
}
