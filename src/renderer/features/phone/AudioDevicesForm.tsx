import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { AUDIO_ROLES, type AudioRole } from './audioDevices';

/** Microphone, call audio and ringer devices; saved in settings, restored when a device returns. */
export function AudioDevicesForm() {
  const { t } = useTranslation();
  const ctl = useRoot((s) => s.phoneCtl);
  const missing = useRoot((s) => s.audioMissing);
  const setError = useRoot((s) => s.setError);
  useEffect(() => {
    ctl?.refreshDevices().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [ctl, setError]);
  return (
    <section className="card" aria-label={t('audio.title')}>
      <h2>{t('audio.title')}</h2>
      {AUDIO_ROLES.map((role) => (
        <DeviceSelect key={role} role={role} />
      ))}
      {missing.map((role) => (
        <p key={role} role="status" className="hint">
          {t('audio.missing', { device: t(`audio.role.${role}`) })}
        </p>
      ))}
    </section>
  );
}

function DeviceSelect(props: { role: AudioRole }) {
  const { t } = useTranslation();
  const id = useId();
  const ctl = useRoot((s) => s.phoneCtl);
  const options = useRoot((s) => s.audioOptions[props.role]);
  const pref = useRoot((s) => s.settings?.audioDevices?.[props.role] ?? null);
  const setError = useRoot((s) => s.setError);
  const known = pref !== null && options.some((o) => o.id === pref.id);
  return (
    <div className="field">
      <label htmlFor={id}>{t(`audio.role.${props.role}`)}</label>
      <select
        id={id}
        value={pref?.id ?? ''}
        onChange={(e) =>
          void ctl
            ?.setAudioDevice(props.role, e.target.value)
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
        }
      >
        <option value="">{t('audio.systemDefault')}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
        {pref && !known && (
          <option value={pref.id} disabled>
            {t('audio.unavailable', { label: pref.label })}
          </option>
        )}
      </select>
    </div>
  );
}
