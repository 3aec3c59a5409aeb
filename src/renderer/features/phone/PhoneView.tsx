import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { ViewHeader } from '../../ui/ViewHeader';

export function PhoneView() {
  const { t } = useTranslation();
  const number = useRoot((s) => s.dialNumber);
  const source = useRoot((s) => s.dialSource);
  const setNumber = useRoot((s) => s.setDialNumber);
  const id = useId();
  return (
    <section className="view">
      <ViewHeader title={t('phone.title')} />
      <div className="card">
        <div className="field">
          <label htmlFor={id}>{t('phone.numberLabel')}</label>
          <input
            id={id}
            type="tel"
            inputMode="tel"
            autoComplete="off"
            maxLength={64}
            value={number}
            onChange={(e) => setNumber(e.target.value)}
          />
        </div>
        {source && <p role="status">{t('phone.dialRequested', { scheme: source })}</p>}
        <p className="hint">{t('phone.noAccount')}</p>
      </div>
    </section>
  );
}
