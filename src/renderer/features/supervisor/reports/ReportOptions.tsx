import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import {
  REPORT_BUCKETS,
  REPORT_GROUPS,
  type ReportGroupBy,
  type ReportQuery,
} from '../../../../shared/reports/figures';
import type { ReportForm } from './useReport';

/** The report's options (dates, grouping, bucket) with Show and Export. */
export function ReportOptions(props: {
  form: ReportForm;
  onChange: (form: ReportForm) => void;
  onShow: () => void;
  onExport: () => void;
  busy: boolean;
  canExport: boolean;
}) {
  const { t } = useTranslation();
  const { form, onChange } = props;
  const ids = { from: useId(), to: useId(), group: useId(), bucket: useId() };
  return (
    <form
      className="card filters"
      aria-label={t('reports.options')}
      onSubmit={(e) => {
        e.preventDefault();
        props.onShow();
      }}
    >
      <div className="field">
        <label htmlFor={ids.from}>{t('reports.from')}</label>
        <input
          id={ids.from}
          type="date"
          value={form.from}
          onChange={(e) => onChange({ ...form, from: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.to}>{t('reports.to')}</label>
        <input
          id={ids.to}
          type="date"
          value={form.to}
          onChange={(e) => onChange({ ...form, to: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.group}>{t('reports.groupBy')}</label>
        <select
          id={ids.group}
          value={form.groupBy}
          onChange={(e) => onChange({ ...form, groupBy: e.target.value as ReportGroupBy })}
        >
          {REPORT_GROUPS.map((g) => (
            <option key={g} value={g}>
              {t(`reports.group.${g}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.bucket}>{t('reports.bucketBy')}</label>
        <select
          id={ids.bucket}
          value={form.bucket}
          onChange={(e) => onChange({ ...form, bucket: e.target.value as ReportQuery['bucket'] })}
        >
          {REPORT_BUCKETS.map((b) => (
            <option key={b} value={b}>
              {t(`reports.bucket.${b}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={props.busy}>
        {t('reports.show')}
      </button>
      <button type="button" disabled={!props.canExport} onClick={props.onExport}>
        {t('reports.export')}
      </button>
    </form>
  );
}
