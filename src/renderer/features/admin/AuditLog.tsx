import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView, AuditFilters } from '../../../shared/adminApi';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { messageOf } from './AdminView';

/** A date input's day as the ISO time its filter starts (from) or ends (until, exclusive). */
function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/** Admin › Audit log: who did what, filtered, newest first, with a CSV export. Needs the network. */
export function AuditLog() {
  const { t } = useTranslation();
  const api = useApi();
  const [form, setForm] = useState({ actor: '', action: '', since: '', until: '' });
  const [filters, setFilters] = useState<AuditFilters>({});
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = { actor: useId(), action: useId(), since: useId(), until: useId() };

  const load = useCallback(
    async (f: AuditFilters, after: number | null) => {
      try {
        const page = await api.call('admin:audit', { ...f, ...(after === null ? {} : { cursor: after }) });
        setError(null);
        setEntries((old) => (after === null ? page.entries : [...old, ...page.entries]));
        setCursor(page.nextCursor);
      } catch (err) {
        setError(t('audit.failed', { message: messageOf(err) }));
      }
    },
    [api, t],
  );
  useEffect(() => {
    let live = true;
    api.call('admin:audit', {}).then(
      (page) => {
        if (!live) return;
        setEntries(page.entries);
        setCursor(page.nextCursor);
      },
      (err: unknown) => live && setError(t('audit.failed', { message: messageOf(err) })),
    );
    return () => {
      live = false;
    };
  }, [api, t]);

  const apply = () => {
    const since = dayBound(form.since, false);
    const until = dayBound(form.until, true);
    const f: AuditFilters = {
      ...(form.actor.trim() ? { actor: form.actor.trim() } : {}),
      ...(form.action.trim() ? { action: form.action.trim() } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    };
    setFilters(f);
    void load(f, null);
  };

  const exportCsv = async () => {
    setError(null);
    try {
      const file = await api.call('admin:auditCsv', filters);
      const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setStatus(t('audit.exported', { name: file.name }));
    } catch (err) {
      setError(t('audit.failed', { message: messageOf(err) }));
    }
  };

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit.title')}</h2>
      <form
        className="card filters"
        aria-label={t('audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        {(
          [
            ['actor', 'audit.actor', 'text'],
            ['action', 'audit.action', 'text'],
            ['since', 'audit.since', 'date'],
            ['until', 'audit.until', 'date'],
          ] as const
        ).map(([k, label, type]) => (
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
        <button type="button" onClick={() => void exportCsv()}>
          {t('audit.export')}
        </button>
      </form>
      {status && <p role="status">{status}</p>}
      <ErrorText error={error} />
      {entries.length === 0 ? (
        <p>{t('audit.empty')}</p>
      ) : (
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
            {entries.map((e) => (
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
      )}
      {cursor !== null && (
        <button type="button" onClick={() => void load(filters, cursor)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
