import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MovedWhileAway as Moved } from '../../../shared/routing';
import { useApi, useRoot } from '../../app/context';

/**
 * "While you were offline, 2 conversations whose customers were waiting moved to colleagues": what
 * the relay re-offered while this agent's connection was down (only live chats and ringing calls;
 * async work never moves). The relay says it again on every reconnect until it is dismissed here.
 */
export function MovedWhileAway() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const openConversation = useRoot((s) => s.openConversation);
  const [moved, setMoved] = useState<Moved[]>([]);
  const titleId = useId();
  useEffect(() => {
    // An event pushed while the first load is in flight is newer than the load's answer.
    let heard = false;
    const off = api.on('inbox:movedWhileAway', (m) => {
      heard = true;
      setMoved(m);
    });
    void api
      .call('inbox:listMovedWhileAway', {})
      .then((m) => {
        if (!heard) setMoved(m);
      })
      .catch(() => undefined); // signed out meanwhile: nothing to show
    return off;
  }, [api]);
  if (moved.length === 0) return null;
  const upTo = moved.reduce((a, m) => (m.movedAt > a ? m.movedAt : a), '');
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' });

  return (
    <section className="moved-notice card" role="status" aria-labelledby={titleId}>
      <p id={titleId}>{t('movedWhileAway.text', { count: moved.length })}</p>
      <ul>
        {moved.map((m) => (
          <li key={`${m.conversationId}-${m.movedAt}`}>
            <span>
              {t('movedWhileAway.item', {
                channel: t(`channels.${m.channel}`),
                customer: m.customerName || t('movedWhileAway.aCustomer'),
                subject: m.subject || '—',
                time: time(m.movedAt),
              })}
            </span>{' '}
            <button
              type="button"
              aria-label={t('movedWhileAway.openNamed', {
                customer: m.customerName || t('movedWhileAway.aCustomer'),
              })}
              onClick={() => openConversation(m.conversationId)}
            >
              {t('movedWhileAway.open')}
            </button>
          </li>
        ))}
      </ul>
      <p className="hint">{t('movedWhileAway.kept')}</p>
      <button
        type="button"
        onClick={() => {
          setMoved([]);
          void api.call('inbox:dismissMovedWhileAway', { upTo }).catch(() => undefined);
        }}
      >
        {t('movedWhileAway.dismiss')}
      </button>
    </section>
  );
}
