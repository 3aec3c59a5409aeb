import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView } from '../../../shared/adminApi';
import { ErrorText } from '../../ui/ErrorText';
import { useAuditLog, type AuditForm } from './useAuditLog';

const FILTER_FIELDS = [
  ['actor', 'audit.actor', 'text'],
  ['action', 'audit.action', 'text'],
  ['since', 'audit.since', 'date'],
  ['until', 'audit.until', 'date'],
] as const;

/** Admin › Audit log: who did what, filtered, newest first, with a CSV export. Needs the network. */
export function AuditLog() {
  const { t } = useTranslation();
  const log = useAuditLog();
  const { more } = log;
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit.title')}</h2>
      <AuditFilterForm onApply={log.apply} onExport={() => void log.exportCsv()} />
      {log.status && <p role="status">{log.status}</p>}
      <ErrorText error={log.error} />
      {log.entries.length === 0 ? <p>{t('audit.empty')}</p> : <AuditTable entries={log.entries} />}
      {more && (
        <button type="button" onClick={more}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}

/** Who, what and between which days, with Apply and Export. */
function AuditFilterForm(props: { onApply: (form: AuditForm) => void; onExport: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<AuditForm>({ actor: '', action: '', since: '', until: '' });
  const ids = { actor: useId(), action: useId(), since: useId(), until: useId() };
  return (
    <form
      className="card filters"
      aria-label={t('audit.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply(form);
      }}
    >
      {FILTER_FIELDS.map(([k, label, type]) => (
        <div className="field" key={k}>
          <label htmlFor={ids[k]}>{t(label)}</label>
          <input
            id={ids[k]}
            type={type}
            value={form[k]}
            onChange={(e) => setForm({ ...form, [k]: e.target.value })}
          />
        </div>
      ))}
      <button type="submit">{t('audit.apply')}</button>
      <button type="button" onClick={props.onExport}>
        {t('audit.export')}
      </button>
    </form>
  );
}

/** The audit entries loaded so far, newest first. */
function AuditTable(props: { entries: AuditEntryView[] }) {
  const { t } = useTranslation();
  return (
    <table aria-labelledby="audit-title">
      <thead>
        <tr>
          <th scope="col">{t('audit.time')}</th>
          <th scope="col">{t('audit.who')}</th>
          <th scope="col">{t('audit.action')}</th>
          <th scope="col">{t('audit.target')}</th>
          <th scope="col">{t('audit.address')}</th>
          <th scope="col">{t('audit.detail')}</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((e) => (
          <tr key={e.seq}>
            <td>{new Date(e.at).toLocaleString()}</td>
            <td>{e.actorEmail ?? e.actorId ?? t('audit.nobody')}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>{e.target}</td>
            <td>{e.ip}</td>
            <td>
              <code>{JSON.stringify(e.detail)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
