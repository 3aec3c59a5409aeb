import { useTranslation } from 'react-i18next';
import { useApi } from '../../app/context';
import { useQuery } from '../../app/useQuery';

/** Changes the relay refused: shown until the agent dismisses them, never dropped in silence. */
export function RejectedList() {
  const { t } = useTranslation();
  const api = useApi();
  const rejected = useQuery('sync:listRejected', {});
  if (!rejected.data || rejected.data.length === 0) return null;
  return (
    <section className="card warn" aria-labelledby="rejected-title">
      <h2 id="rejected-title">{t('sync.rejectedTitle')}</h2>
      <ul>
        {rejected.data.map((r) => (
          <li key={r.id}>
            <strong>{t(`mutations.${r.name}`, { defaultValue: r.name })}</strong>: {r.message}{' '}
            <button type="button" onClick={() => void api.call('sync:dismissRejected', { id: r.id })}>
              {t('sync.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
