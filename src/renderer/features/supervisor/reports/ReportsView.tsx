import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportAnswer } from '../../../../shared/reportsApi';
import {
  addSums,
  emptySums,
  FIGURES,
  figuresOf,
  REPORT_BUCKETS,
  REPORT_GROUPS,
  totalsByBucket,
  totalsByGroup,
  type Figure,
  type ReportGroupBy,
  type ReportQuery,
} from '../../../../shared/reports/figures';
import { useApi } from '../../../app/context';
import { EmptyState } from '../../../ui/EmptyState';
import { ErrorText } from '../../../ui/ErrorText';
import { ReportChart } from './ReportChart';
import { BucketTable, GroupTable } from './ReportTables';
import { addDays, bucketLabel, localToday } from './reportFormat';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Whether a report answers request `q` (offline, the last report of another request may stand in). */
const sameQuery = (a: ReportQuery, q: ReportQuery) =>
  a.from === q.from && a.to === q.to && a.tz === q.tz && a.groupBy === q.groupBy && a.bucket === q.bucket;

/** The viewer's own zone: day boundaries are theirs. */
const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * Supervisor › Reports: the relay's figures for the viewer's teams (admins: all) per agent, team,
 * queue or channel, by day or hour in the viewer's time zone, as a chart with its table, a table
 * of every figure per group, and a CSV export. Offline it shows the last figures fetched, saying so.
 */
export function ReportsView() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const tz = useMemo(() => viewerZone(), []);
  const today = useMemo(() => localToday(tz), [tz]);
  const [form, setForm] = useState({
    from: addDays(today, -6),
    to: today,
    groupBy: 'agent' as ReportGroupBy,
    bucket: 'day' as ReportQuery['bucket'],
  });
  const [figure, setFigure] = useState<Figure>('volume');
  // What was asked for (n: each Show asks again) and what answered it.
  const [asked, setAsked] = useState(() => ({
    n: 0,
    q: {
      from: form.from,
      to: addDays(form.to, 1),
      tz,
      groupBy: form.groupBy,
      bucket: form.bucket,
    } as ReportQuery,
  }));
  const [answer, setAnswer] = useState<ReportAnswer | null>(null);
  const [answeredN, setAnsweredN] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const busy = answeredN !== asked.n;
  const ids = {
    from: useId(),
    to: useId(),
    group: useId(),
    bucket: useId(),
    figure: useId(),
    title: useId(),
  };

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
    setAsked((a) => ({
      n: a.n + 1,
      q: { from: form.from, to: addDays(form.to, 1), tz, groupBy: form.groupBy, bucket: form.bucket },
    }));
  };

  const exportCsv = async () => {
    if (!answer) return;
    setError(null);
    try {
      const { from, to, tz: zone, groupBy, bucket } = answer.report;
      const file = await api.call('reports:csv', { from, to, tz: zone, groupBy, bucket });
      const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setStatus(t('reports.exported', { name: file.name }));
    } catch (err) {
      setError(t('reports.exportFailed', { message: messageOf(err) }));
    }
  };

  const report = answer?.report ?? null;
  const view = useMemo(() => {
    if (!report) return null;
    const nameOf = (key: string) => {
      if (key === '') return t('reports.none');
      if (report.groupBy === 'channel') return t(`channels.${key}`, { defaultValue: key });
      return report.groups.find((g) => g.key === key)?.name ?? key;
    };
    const groups = totalsByGroup(report).map((g) => ({
      key: g.key,
      name: nameOf(g.key),
      figures: figuresOf(g.sums),
    }));
    const total = figuresOf(totalsByGroup(report).reduce((a, g) => addSums(a, g.sums), emptySums()));
    const labels = report.buckets.map((b) => bucketLabel(report, b.start, i18n.language));
    const perBucket = totalsByBucket(report).map((s) => figuresOf(s));
    return { groups, total, labels, perBucket };
  }, [report, t, i18n.language]);

  const fetchedAt = answer ? new Date(answer.fetchedAt).toLocaleString(i18n.language) : '';
  const figureName = t(`reports.figure.${figure}`);
  const by = report ? t(`reports.bucket.${report.bucket}`) : '';
  return (
    <section aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t('reports.title')}</h2>
      <form
        className="card filters"
        aria-label={t('reports.options')}
        onSubmit={(e) => {
          e.preventDefault();
          show();
        }}
      >
        <div className="field">
          <label htmlFor={ids.from}>{t('reports.from')}</label>
          <input
            id={ids.from}
            type="date"
            value={form.from}
            onChange={(e) => setForm({ ...form, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t('reports.to')}</label>
          <input
            id={ids.to}
            type="date"
            value={form.to}
            onChange={(e) => setForm({ ...form, to: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.group}>{t('reports.groupBy')}</label>
          <select
            id={ids.group}
            value={form.groupBy}
            onChange={(e) => setForm({ ...form, groupBy: e.target.value as ReportGroupBy })}
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
            onChange={(e) => setForm({ ...form, bucket: e.target.value as ReportQuery['bucket'] })}
          >
            {REPORT_BUCKETS.map((b) => (
              <option key={b} value={b}>
                {t(`reports.bucket.${b}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {t('reports.show')}
        </button>
        <button type="button" disabled={!answer} onClick={() => void exportCsv()}>
          {t('reports.export')}
        </button>
      </form>
      <p className="hint">{t('reports.zone', { tz })}</p>
      {answer && (
        <p role="status" className={answer.offline ? 'hint warn' : 'hint'}>
          {answer.offline
            ? t('reports.offlineFigures', { time: fetchedAt })
            : t('reports.fetched', { time: fetchedAt })}
          {answer.offline &&
            !sameQuery(answer.report, asked.q) &&
            ` ${t('reports.showing', { from: answer.report.from, to: addDays(answer.report.to, -1), group: t(`reports.group.${answer.report.groupBy}`) })}`}
        </p>
      )}
      {status && <p role="status">{status}</p>}
      <ErrorText error={error} />
      {report && view && (
        <>
          {report.rows.length === 0 && <EmptyState text={t('reports.empty')} />}
          <div className="field">
            <label htmlFor={ids.figure}>{t('reports.chartFigure')}</label>
            <select id={ids.figure} value={figure} onChange={(e) => setFigure(e.target.value as Figure)}>
              {FIGURES.map((f) => (
                <option key={f} value={f}>
                  {t(`reports.figure.${f}`)}
                </option>
              ))}
            </select>
          </div>
          <ReportChart
            label={t('reports.chartLabel', { figure: figureName, bucket: by })}
            labels={view.labels}
            values={view.perBucket.map((f) => f[figure])}
          />
          <BucketTable
            caption={t('reports.chartTable', { figure: figureName, bucket: by })}
            bucketHeader={by}
            figure={figure}
            rows={view.labels.map((label, i) => ({ label, value: view.perBucket[i]![figure] }))}
          />
          <GroupTable
            caption={t('reports.groupTable', { group: t(`reports.group.${report.groupBy}`) })}
            groupHeader={t(`reports.group.${report.groupBy}`)}
            rows={view.groups}
            total={view.total}
          />
          <p className="hint">
            {t('reports.definitions', {
              voice: report.targets.serviceLevelSec['voice'] ?? '—',
              chat: report.targets.serviceLevelSec['chat'] ?? '—',
            })}
          </p>
        </>
      )}
    </section>
  );
}
