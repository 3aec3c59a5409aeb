import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportAnswer } from '../../../../shared/reportsApi';
import {
  addSums,
  emptySums,
  FIGURES,
  figuresOf,
  totalsByBucket,
  totalsByGroup,
  type Figure,
} from '../../../../shared/reports/figures';
import { EmptyState } from '../../../ui/EmptyState';
import { ReportChart } from './ReportChart';
import { BucketTable, GroupTable } from './ReportTables';
import { bucketLabel } from './reportFormat';

type Report = ReportAnswer['report'];

/** A report's figures per group (with their total) and per bucket, named for the viewer. */
function useReportFigures(report: Report) {
  const { t, i18n } = useTranslation();
  return useMemo(() => {
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
}

/** One report: the chosen figure as a chart with its table, every figure per group, and their definitions. */
export function ReportFigures(props: { report: Report }) {
  const { t } = useTranslation();
  const { report } = props;
  const view = useReportFigures(report);
  const [figure, setFigure] = useState<Figure>('volume');
  const figureId = useId();
  const figureName = t(`reports.figure.${figure}`);
  const by = t(`reports.bucket.${report.bucket}`);
  return (
    <>
      {report.rows.length === 0 && <EmptyState text={t('reports.empty')} />}
      <div className="field">
        <label htmlFor={figureId}>{t('reports.chartFigure')}</label>
        <select id={figureId} value={figure} onChange={(e) => setFigure(e.target.value as Figure)}>
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
  );
}
