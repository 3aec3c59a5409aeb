import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { useApi } from '../../app/context';
import { CheckField, Field, InputField, SaveRow } from './SettingsFormParts';
import { FORM_DAYS, slaFormOf, slaPolicyOfForm, type SlaForm } from './slaForm';
import { useSettingsForm, type SettingsForm } from './useSettingsForm';

type Inbox = TeamSettingsView['inboxes'][number];
type SlaFormState = SettingsForm<SlaForm>;

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
  const id = useId();
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
        <CheckField
          label={t('sla.settings.enabled')}
          checked={s.form.enabled}
          onChange={(enabled) => s.set({ enabled })}
        />
        {s.form.enabled && <SlaPolicyFields id={id} s={s} />}
        <SaveRow label={t('sla.settings.save')} savedText={t('sla.settings.saved')} form={s} />
      </fieldset>
    </form>
  );
}

/** The targets, time zone, opening hours and holidays of an SLA that is on. */
function SlaPolicyFields({ id, s }: { id: string; s: SlaFormState }) {
  const { t } = useTranslation();
  const f = s.form;
  const minutes = (field: 'firstResponseMinutes' | 'resolutionMinutes') => (
    <InputField
      id={`${id}-${field}`}
      label={t(`sla.settings.${field}`)}
      hint={t('sla.settings.minutesHint')}
      problem={s.problemOf(field)}
      value={f[field]}
      onChange={(value) => s.set({ [field]: value })}
      input={{ type: 'number', min: 1, step: 1 }}
    />
  );
  return (
    <>
      {minutes('firstResponseMinutes')}
      {minutes('resolutionMinutes')}
      <InputField
        id={`${id}-zone`}
        label={t('sla.settings.timeZone')}
        hint={t('sla.settings.timeZoneHint')}
        problem={s.problemOf('timeZone')}
        value={f.timeZone}
        onChange={(timeZone) => s.set({ timeZone })}
      />
      <CheckField
        label={t('sla.settings.aroundTheClock')}
        checked={f.aroundTheClock}
        onChange={(aroundTheClock) => s.set({ aroundTheClock })}
      />
      {!f.aroundTheClock && <OpeningHoursFields id={id} s={s} />}
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
  );
}

/** The openings of each weekday (blank: closed). */
function OpeningHoursFields({ id, s }: { id: string; s: SlaFormState }) {
  const { t } = useTranslation();
  const f = s.form;
  return (
    <fieldset>
      <legend>{t('sla.settings.hours')}</legend>
      <p className="hint">{t('sla.settings.hoursHint')}</p>
      {s.problemOf('hours') && <p className="error">{s.problemOf('hours')}</p>}
      {FORM_DAYS.map((day) => (
        <InputField
          key={day}
          id={`${id}-day-${day}`}
          label={t(`sla.days.${day}`)}
          problem={s.problemOf(`hours.${day}`)}
          value={f.hours[day] ?? ''}
          onChange={(value) => s.set({ hours: f.hours.map((h, i) => (i === day ? value : h)) })}
          input={{ placeholder: t('sla.settings.closed') }}
        />
      ))}
    </fieldset>
  );
}
