import { useTranslation } from 'react-i18next';
import { FIGURES, type Figure, type ReportFigures } from '../../../../shared/reports/figures';
import { formatFigure } from './reportFormat';

/** Every figure of each group over the whole range, with a total line for the scope. */
export function GroupTable(props: {
  caption: string;
  groupHeader: string;
  rows: { key: string; name: string; figures: ReportFigures }[];
  total: ReportFigures;
}) {
  const { t, i18n } = useTranslation();
  const cells = (f: ReportFigures) =>
    FIGURES.map((k) => (
      <td key={k} className="num">
        {formatFigure(k, f[k], i18n.language)}
      </td>
    ));
  return (
    <div className="table-scroll">
      <table className="report-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.groupHeader}</th>
            {FIGURES.map((k) => (
              <th key={k} scope="col">
                {t(`reports.figure.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.name}</th>
              {cells(r.figures)}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('reports.total')}</th>
            {cells(props.total)}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The chart's figures as a table: one line per bucket. */
export function BucketTable(props: {
  caption: string;
  bucketHeader: string;
  figure: Figure;
  rows: { label: string; value: number | null }[];
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="table-scroll">
      <table className="report-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.bucketHeader}</th>
            <th scope="col">{t(`reports.figure.${props.figure}`)}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td className="num">{formatFigure(props.figure, r.value, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
