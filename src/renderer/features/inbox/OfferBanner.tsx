import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi, useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';

/** New work offered by routing: accept opens the conversation, decline passes it to a colleague. */
export function OfferBanner() {
  const { t } = useTranslation();
  const api = useApi();
  const offers = useRoot((s) => s.offers);
  const openConversation = useRoot((s) => s.openConversation);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (offers.length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [offers.length]);
  if (offers.length === 0) return null;

  const reply = async (offerId: string, conversationId: string, accept: boolean) => {
    setError(null);
    try {
      const r = await api.call('inbox:replyOffer', { offerId, accept });
      if (!r.sent) setError(t('offers.offline'));
      else if (accept) openConversation(conversationId);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="offers" aria-label={t('offers.label')}>
      {offers.map((o) => {
        const left = Math.max(0, Math.round((Date.parse(o.expiresAt) - now) / 1000));
        const title = t('offers.title', {
          channel: t(`channels.${o.channel}`),
          name: o.customerName || t('inbox.unknownCustomer'),
        });
        return (
          <div key={o.offerId} role="alertdialog" aria-label={title} className="offer card">
            <strong>{title}</strong>
            {o.subject && <span className="item-sub">{o.subject}</span>}
            <span className="meta">{t('offers.expires', { count: left })}</span>
            <div className="actions">
              <button type="button" onClick={() => void reply(o.offerId, o.conversationId, true)}>
                {t('offers.accept')}
              </button>
              <button type="button" onClick={() => void reply(o.offerId, o.conversationId, false)}>
                {t('offers.decline')}
              </button>
            </div>
          </div>
        );
      })}
      <ErrorText error={error} />
    </section>
  );
}
