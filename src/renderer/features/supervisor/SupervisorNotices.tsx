import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SupervisorNotice } from '../../../shared/supervisor';
import { useApi, useRoot } from '../../app/context';

/**
 * What a supervisor did to this agent, with the reason, shown at once wherever they are: a status
 * set for them, a log-out from routing, a conversation moved, a whisper (which only they see).
 */
export function SupervisorNotices() {
  const { t } = useTranslation();
  const api = useApi();
  const notices = useRoot((s) => s.supervisorNotices);
  const setNotices = useRoot((s) => s.setSupervisorNotices);
  const openConversation = useRoot((s) => s.openConversation);
  useEffect(() => {
    let live = true;
    api.call('supervisor:listNotices', {}).then(
      (n) => live && setNotices(n),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, setNotices]);
  const dismiss = (id: string) => void api.call('supervisor:dismissNotice', { id }).catch(() => undefined);

  return (
    <section className="supervisor-notices" aria-label={t('supervisorNotice.label')} aria-live="assertive">
      {notices.map((n) => (
        <div key={n.id} className={`supervisor-notice card notice-${n.kind}`}>
          <span>{text(n, t)}</span>
          <div className="actions">
            {'conversationId' in n && (
              <button type="button" onClick={() => openConversation(n.conversationId)}>
                {t('supervisorNotice.open')}
              </button>
            )}
            <button
              type="button"
              aria-label={t('supervisorNotice.dismissNamed', { name: n.by.name })}
              onClick={() => dismiss(n.id)}
            >
              {t('supervisorNotice.dismiss')}
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}

function text(n: SupervisorNotice, t: TFunction): string {
  switch (n.kind) {
    case 'status':
      return t('supervisorNotice.status', {
        name: n.by.name,
        state: t(`agent.${n.state}`),
        reason: n.reason,
      });
    case 'loggedOut':
      return t('supervisorNotice.loggedOut', { name: n.by.name, reason: n.reason });
    case 'reassigned':
      return t('supervisorNotice.reassigned', { name: n.by.name, to: n.toAgentName, reason: n.reason });
    case 'whisper':
      return t('supervisorNotice.whisper', { name: n.by.name, body: n.body });
    default: {
      const never: never = n;
      return String(never);
    }
  }
}
