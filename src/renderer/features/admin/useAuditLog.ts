import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView, AuditFilters } from '../../../shared/adminApi';
import { useApi } from '../../app/context';
import { downloadCsv } from '../../app/downloadCsv';
import { messageOf } from './AdminView';

/** The audit filter form as typed (days as a date input gives them). */
export type AuditForm = { actor: string; action: string; since: string; until: string };

/** A date input's day as the ISO time its filter starts (from) or ends (until, exclusive). */
function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/** The filters a form asks for (blank fields and unreadable days filter nothing). */
function filtersOf(form: AuditForm): AuditFilters {
  const since = dayBound(form.since, false);
  const until = dayBound(form.until, true);
  return {
    ...(form.actor.trim() ? { actor: form.actor.trim() } : {}),
    ...(form.action.trim() ? { action: form.action.trim() } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
}

/** The relay's audit log: the first page at once, then filtered pages on request, and its CSV. */
export function useAuditLog() {
  const { t } = useTranslation();
  const api = useApi();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

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

  const apply = (form: AuditForm) => {
    const f = filtersOf(form);
    setFilters(f);
    void load(f, null);
  };
  const more = cursor === null ? null : () => void load(filters, cursor);

  const exportCsv = async () => {
    setError(null);
    try {
      const file = await api.call('admin:auditCsv', filters);
      downloadCsv(file);
      setStatus(t('audit.exported', { name: file.name }));
    } catch (err) {
      setError(t('audit.failed', { message: messageOf(err) }));
    }
  };

  return { entries, status, error, apply, more, exportCsv };
}
