import * as Popover from '@radix-ui/react-popover';
import { Signal } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { CallSnapshot } from './sipPhone';

/**
 * Live MOS as a figure, the warnings raised now as text beside it (always in view), and a button
 * that opens the details above the bar: the figure now, over the call so far, every warning the
 * call has raised, and what the scale means.
 */
export function CallQuality(props: { call: CallSnapshot }) {
  const { t } = useTranslation();
  const { mos, warnings, summary } = props.call.quality;
  const now = mos === null ? t('call.qualityPending') : t('call.mos', { mos: mos.toFixed(1) });
  const raised = summary?.warnings ?? warnings;
  return (
    <span className={`call-quality-box${warnings.length > 0 ? ' call-quality-warn' : ''}`}>
      <Popover.Root>
        <Popover.Trigger asChild>
          <button
            type="button"
            className="icon-button"
            aria-label={t('call.qualityDetails')}
            title={t('call.qualityDetails')}
          >
            <Signal size={16} aria-hidden="true" />
          </button>
        </Popover.Trigger>
        <Popover.Content className="popover" side="top" align="center" sideOffset={8}>
          <section aria-label={t('call.qualityDetails')}>
            <h3 className="popover-title">{t('call.quality')}</h3>
            <dl className="health-list">
              <dt>{t('call.qualityNow')}</dt>
              <dd>{now}</dd>
              <dt>{t('call.qualityOverCall')}</dt>
              <dd>
                {summary
                  ? t('call.qualitySummary', {
                      avg: summary.mosAvg.toFixed(1),
                      min: summary.mosMin.toFixed(1),
                    })
                  : t('call.qualityPending')}
              </dd>
              <dt>{t('call.qualityRaised')}</dt>
              <dd>
                {raised.length === 0
                  ? t('call.qualityNoWarnings')
                  : raised.map((w) => t(`call.qualityWarning.${w}`)).join(', ')}
              </dd>
            </dl>
            <p className="hint">{t('call.qualityScale')}</p>
          </section>
        </Popover.Content>
      </Popover.Root>
      <span className="call-quality" aria-label={t('call.quality')}>
        {now}
      </span>
      {warnings.length > 0 && (
        <ul className="call-quality-warnings" aria-label={t('call.qualityWarnings')}>
          {warnings.map((w) => (
            <li key={w}>{t(`call.qualityWarning.${w}`)}</li>
          ))}
        </ul>
      )}
    </span>
  );
}
