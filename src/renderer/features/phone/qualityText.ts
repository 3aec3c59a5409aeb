import type { TFunction } from 'i18next';
import type { CallQualitySummary } from '../../../shared/callQuality';

/** A call record's quality summary as one line of text (empty when the record has none). */
export function qualitySummaryText(t: TFunction, q: CallQualitySummary | undefined): string {
  if (!q) return '';
  const warnings = q.warnings.map((w) => t(`call.qualityWarning.${w}`)).join(', ');
  return ` · ${t('call.qualitySummary', { avg: q.mosAvg.toFixed(1), min: q.mosMin.toFixed(1) })}${
    warnings ? ` · ${warnings}` : ''
  }`;
}
