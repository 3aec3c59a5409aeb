import * as Popover from '@radix-ui/react-popover';
import * as Tooltip from '@radix-ui/react-tooltip';
import { CircleAlert, CircleCheck, CloudOff, type LucideIcon } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { SyncBadge, syncText } from '../session/SyncBadge';
import { summarizeHealth, type HealthLevel } from './connectionHealth';

const ICONS: Record<HealthLevel, LucideIcon> = { ok: CircleCheck, degraded: CloudOff, problem: CircleAlert };

/**
 * The header's one connection indicator: the app link, the relay sync and the phone registration
 * summed up in a word and an icon, explained on hover (tooltip) and in detail on click (popover).
 * The app link and the sync state are also live regions, so a screen reader hears them change.
 */
export function ConnectionHealth() {
  const { t } = useTranslation();
  const setView = useRoot((s) => s.setView);
  const connection = useRoot((s) => s.connection);
  const session = useRoot((s) => s.session);
  const registration = useRoot((s) => s.registration);
  const signedIn = session?.status === 'signedIn';
  const summary = summarizeHealth({
    connection,
    sync: signedIn ? session.sync : null,
    rejected: signedIn ? session.rejected : 0,
    registration,
  });
  const text = t(`health.summary.${summary.key}`, { count: summary.count });
  const hint = t(`health.hint.${summary.key}`, { count: summary.count });
  const Icon = ICONS[summary.level];
  return (
    <div className="health">
      <Popover.Root>
        <Tooltip.Root>
          <Tooltip.Trigger asChild>
            <Popover.Trigger asChild>
              <button
                type="button"
                className={`health-trigger health-${summary.level}`}
                aria-label={t('health.label', { summary: text })}
              >
                <Icon size={16} aria-hidden="true" />
                <span className="health-text">{text}</span>
              </button>
            </Popover.Trigger>
          </Tooltip.Trigger>
          <Tooltip.Portal>
            <Tooltip.Content className="tooltip" sideOffset={6}>
              {hint}
            </Tooltip.Content>
          </Tooltip.Portal>
        </Tooltip.Root>
        <Popover.Portal>
          <Popover.Content
            className="popover health-panel"
            align="end"
            sideOffset={6}
            aria-labelledby="health-title"
          >
            <h2 id="health-title" className="popover-title">
              {t('health.title')}
            </h2>
            <p className="hint">{hint}</p>
            <dl className="health-list">
              <dt>{t('health.app')}</dt>
              <dd className={`health-${connection === 'open' ? 'ok' : 'degraded'}`}>
                {t(`connection.${connection}`)}
              </dd>
              <dt>{t('health.relay')}</dt>
              <dd>{signedIn ? syncText(t, session) : t('sync.signedOut')}</dd>
              <dt>{t('health.phone')}</dt>
              <dd>
                {t(`phone.registration.${registration}`)}{' '}
                <Popover.Close asChild>
                  <button type="button" className="link-button" onClick={() => setView('phone')}>
                    {t('health.openPhone')}
                  </button>
                </Popover.Close>
              </dd>
            </dl>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
      <span role="status" aria-label={t('connection.label')} className="visually-hidden">
        {t(`connection.${connection}`)}
      </span>
      <SyncBadge />
    </div>
  );
}
