import { useTranslation } from 'react-i18next';

/** "SLA: 2 h 5 min left" or "SLA overdue" for an open conversation; nothing once resolved or without a due time. */
export function SlaBadge(props: { dueAt: string | null; status: string; now: number }) {
  const { t } = useTranslation();
  if (!props.dueAt || props.status === 'resolved') return null;
  const left = Date.parse(props.dueAt) - props.now;
  if (Number.isNaN(left)) return null;
  if (left <= 0) return <span className="badge badge-danger">{t('sla.overdue')}</span>;
  const minutes = Math.ceil(left / 60_000);
  const text =
    minutes >= 60
      ? t('sla.hours', { h: Math.floor(minutes / 60), m: minutes % 60 })
      : t('sla.minutes', { m: minutes });
  return <span className={`badge ${minutes <= 30 ? 'badge-warn' : ''}`}>{text}</span>;
}

/** A conversation's labels as small text chips. */
export function LabelChips(props: { labels: readonly string[] }) {
  if (props.labels.length === 0) return null;
  return (
    <span className="chips">
      {props.labels.map((l) => (
        <span key={l} className="chip">
          {l}
        </span>
      ))}
    </span>
  );
}
