import { useTranslation } from 'react-i18next';
import type { CustomerHistoryItem } from '../../../shared/views';
import { useRoot } from '../../app/context';

/**
 * The customer's recent history on their other channels (chat, email, messaging, calls), beside the
 * conversation being answered; a click opens that conversation. Text only, from the local cache.
 */
export function CustomerHistory(props: { items: CustomerHistoryItem[] }) {
  const { t } = useTranslation();
  const open = useRoot((s) => s.openConversation);
  if (props.items.length === 0) return null;
  return (
    <details className="customer-history" open>
      <summary>{t('inbox.history.title', { count: props.items.length })}</summary>
      <ol aria-label={t('inbox.history.label')}>
        {props.items.map((h) => (
          <li key={`${h.kind}:${h.id}`}>
            <button
              type="button"
              className="history-item"
              disabled={!h.conversationId}
              onClick={() => open(h.conversationId)}
            >
              <span className="meta">
                {t(`channels.${h.channel}`)} · {new Date(h.at).toLocaleString()} ·{' '}
                {h.kind === 'note'
                  ? t('inbox.note')
                  : h.kind === 'call'
                    ? t(`call.direction.${h.direction ?? 'in'}`)
                    : t(`inbox.history.${h.direction === 'out' ? 'toCustomer' : 'fromCustomer'}`)}
                {h.subject ? ` · ${h.subject}` : ''}
              </span>
              {h.text && <span className="history-text">{h.text}</span>}
            </button>
          </li>
        ))}
      </ol>
    </details>
  );
}
