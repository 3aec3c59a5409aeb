import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportAnswer } from '../../../../shared/reportsApi';
import type { ReportQuery } from '../../../../shared/reports/figures';
import { ErrorText } from '../../../ui/ErrorText';
import { ReportFigures } from './ReportFigures';
import { ReportOptions } from './ReportOptions';
import { addDays } from './reportFormat';
import { useReport } from './useReport';

/** Whether a report answers request `q` (offline, the last report of another request may stand in). */
const sameQuery = (a: ReportQuery, q: ReportQuery) =>
  a.from === q.from && a.to === q.to && a.tz === q.tz && a.groupBy === q.groupBy && a.bucket === q.bucket;

/**
 * Supervisor › Reports: the relay's figures for the viewer's teams (admins: all) per agent, team,
 * queue or channel, by day or hour in the viewer's time zone, as a chart with its table, a table
 * of every figure per group, and a CSV export. Offline it shows the last figures fetched, saying so.
 */
export function ReportsView() {
  const { t } = useTranslation();
  const report = useReport();
  const titleId = useId();
  const { answer } = report;
  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>{t('reports.title')}</h2>
      <ReportOptions
        form={report.form}
        onChange={report.setForm}
        onShow={report.show}
        onExport={() => void report.exportCsv()}
        busy={report.busy}
        canExport={!!answer}
      />
      <p className="hint">{t('reports.zone', { tz: report.tz })}</p>
      {answer && <FetchedLine answer={answer} asked={report.asked} />}
      {report.status && <p role="status">{report.status}</p>}
      <ErrorText error={report.error} />
      {answer && <ReportFigures report={answer.report} />}
    </section>
  );
}

/** When the figures on screen were fetched; offline, that they are old, and which request they answer. */
function FetchedLine(props: { answer: ReportAnswer; asked: ReportQuery }) {
  const { t, i18n } = useTranslation();
  const { answer } = props;
  const time = new Date(answer.fetchedAt).toLocaleString(i18n.language);
  const other = answer.offline && !sameQuery(answer.report, props.asked);
  return (
    <p role="status" className={answer.offline ? 'hint warn' : 'hint'}>
      {answer.offline ? t('reports.offlineFigures', { time }) : t('reports.fetched', { time })}
      {other &&
        ` ${t('reports.showing', { from: answer.report.from, to: addDays(answer.report.to, -1), group: t(`reports.group.${answer.report.groupBy}`) })}`}
    </p>
  );
}
