import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportAnswer } from '../../../../shared/reportsApi';
import type { ReportGroupBy, ReportQuery } from '../../../../shared/reports/figures';
import type { ApiClient } from '../../../api/client';
import { useApi } from '../../../app/context';
import { downloadCsv } from '../../../app/downloadCsv';
import { addDays, localToday } from './reportFormat';

/** The report options as the form holds them (`to` inclusive). */
export type ReportForm = {
  from: string;
  to: string;
  groupBy: ReportGroupBy;
  bucket: ReportQuery['bucket'];
};

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The viewer's own zone: day boundaries are theirs. */
const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The request a form asks for: `to` exclusive, days in zone `tz`. */
const queryOf = (form: ReportForm, tz: string): ReportQuery => ({
  from: form.from,
  to: addDays(form.to, 1),
  tz,
  groupBy: form.groupBy,
  bucket: form.bucket,
});

/**
 * The report the viewer asked for: the form, the request last shown (each Show asks again, even
 * for the same options), the relay's answer to it, and CSV export of the figures on screen.
 */
export function useReport() {
  const { t } = useTranslation();
  const api = useApi();
  const tz = useMemo(() => viewerZone(), []);
  const today = useMemo(() => localToday(tz), [tz]);
  const [form, setForm] = useState<ReportForm>({
    from: addDays(today, -6),
    to: today,
    groupBy: 'agent',
    bucket: 'day',
  });
  // What was asked for (n: each Show asks again) and what answered it.
  const [asked, setAsked] = useState(() => ({ n: 0, q: queryOf(form, tz) }));
  const [answer, setAnswer] = useState<ReportAnswer | null>(null);
  const [answeredN, setAnsweredN] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.call('reports:get', asked.q).then(
      (a) => {
        if (!live) return;
        setAnswer(a);
        setError(null);
        setAnsweredN(asked.n);
      },
      (err: unknown) => {
        if (!live) return;
        setError(t('reports.failed', { message: messageOf(err) }));
        setAnsweredN(asked.n);
      },
    );
    return () => {
      live = false;
    };
  }, [api, asked, t]);

  const show = () => {
    const ok = /^\d{4}-\d{2}-\d{2}$/;
    if (!ok.test(form.from) || !ok.test(form.to) || form.to < form.from) {
      setError(t('reports.badRange'));
      return;
    }
    setStatus(null);
    setAsked((a) => ({ n: a.n + 1, q: queryOf(form, tz) }));
  };

  const exportCsv = async () => {
    if (!answer) return;
    setError(null);
    try {
      const name = await downloadReportCsv(api, answer);
      setStatus(t('reports.exported', { name }));
    } catch (err) {
      setError(t('reports.exportFailed', { message: messageOf(err) }));
    }
  };

  return {
    tz,
    form,
    setForm,
    asked: asked.q,
    answer,
    error,
    status,
    busy: answeredN !== asked.n,
    show,
    exportCsv,
  };
}

/** Asks the relay for the CSV of the report `answer` holds and downloads it; returns its name. */
async function downloadReportCsv(api: ApiClient, answer: ReportAnswer): Promise<string> {
  const { from, to, tz, groupBy, bucket } = answer.report;
  const file = await api.call('reports:csv', { from, to, tz, groupBy, bucket });
  downloadCsv(file);
  return file.name;
}
