import { useTranslation } from 'react-i18next';
import { useQuery } from '../../app/useQuery';

/** Canned replies matching what follows `/` in the composer; picking one puts its text in the reply. */
export function CannedReplies(props: { query: string; onPick: (body: string) => void }) {
  const { t } = useTranslation();
  const found = useQuery('inbox:searchCannedReplies', { q: props.query.slice(0, 100) });
  const replies = found.data ?? [];
  return (
    <section className="canned" aria-label={t('inbox.cannedReplies')}>
      {found.data && replies.length === 0 ? (
        <p role="status">{t('inbox.noCannedReplies', { q: props.query })}</p>
      ) : (
        <ul>
          {replies.map((r) => (
            <li key={r.id}>
              <button type="button" onClick={() => props.onPick(r.body)}>
                /{r.shortCode} · {r.title}
              </button>
              <span className="item-sub"> {r.body}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
