import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerDetail } from '../../../shared/views';
import { useApi } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';

/**
 * Merging duplicate profiles of one person, and undoing a merge: a merged profile points to the
 * one it lives in now; a profile lists those merged into it, each with an undo; a search finds a
 * duplicate to merge in, after a confirmation that says what moves. Works offline (queued).
 */
export function MergeProfiles(props: { detail: CustomerDetail; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const { customer, mergedInto, mergedFrom } = props.detail;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    setBusy(true);
    try {
      await f();
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const undo = (sourceId: string) => run(() => api.call('customers:unmerge', { sourceId }));

  if (mergedInto)
    return (
      <section aria-label={t('customers.merge.section')} className="notice">
        <p role="status">{t('customers.merge.mergedInto', { name: mergedInto.name })}</p>
        <button type="button" onClick={() => props.onOpen(mergedInto.id)}>
          {t('customers.merge.open', { name: mergedInto.name })}
        </button>{' '}
        <button type="button" disabled={busy} onClick={() => void undo(customer.id)}>
          {t('customers.merge.undo')}
        </button>
        <ErrorText error={error} />
      </section>
    );
  return (
    <section aria-label={t('customers.merge.section')}>
      {mergedFrom.length > 0 && (
        <>
          <h3 id={`merged-${customer.id}`}>{t('customers.merge.mergedFrom')}</h3>
          <ul aria-labelledby={`merged-${customer.id}`}>
            {mergedFrom.map((m) => (
              <li key={m.id}>
                <span>{m.name}</span>
                {m.at && <span className="meta"> · {new Date(m.at).toLocaleString()}</span>}{' '}
                <button
                  type="button"
                  disabled={busy}
                  aria-label={t('customers.merge.undoOf', { name: m.name })}
                  onClick={() => void undo(m.id)}
                >
                  {t('customers.merge.undo')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <FindDuplicate
        targetId={customer.id}
        targetName={customer.name}
        busy={busy}
        onMerge={(sourceId) => run(() => api.call('customers:merge', { sourceId, targetId: customer.id }))}
      />
      <ErrorText error={error} />
    </section>
  );
}

function FindDuplicate(props: {
  targetId: string;
  targetName: string;
  busy: boolean;
  onMerge: (sourceId: string) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [pick, setPick] = useState<{ id: string; name: string } | null>(null);
  const inputId = useId();
  const hits = useQuery('search:query', q.trim() ? { q, limit: 20 } : null);
  const candidates = (hits.data ?? []).flatMap((h) =>
    h.entity === 'customer' && h.id !== props.targetId ? [h] : [],
  );
  return (
    <details>
      <summary>{t('customers.merge.find')}</summary>
      <div className="field">
        <label htmlFor={inputId}>{t('customers.merge.search')}</label>
        <input
          id={inputId}
          type="search"
          value={q}
          maxLength={200}
          onChange={(e) => {
            setQ(e.target.value);
            setPick(null);
          }}
        />
      </div>
      {q.trim() !== '' && hits.data && candidates.length === 0 && <p>{t('customers.noResults')}</p>}
      <ul aria-label={t('customers.merge.candidates')}>
        {candidates.map((c) => (
          <li key={c.id}>
            <span>{c.name}</span>
            {c.company && <span className="meta"> · {c.company}</span>}{' '}
            <button
              type="button"
              aria-label={t('customers.merge.pick', { name: c.name, target: props.targetName })}
              onClick={() => setPick({ id: c.id, name: c.name })}
            >
              {t('customers.merge.pickShort')}
            </button>
          </li>
        ))}
      </ul>
      {pick && (
        <div role="alertdialog" aria-label={t('customers.merge.confirmTitle')} className="notice">
          <p>{t('customers.merge.confirm', { source: pick.name, target: props.targetName })}</p>
          <button
            type="button"
            disabled={props.busy}
            onClick={() =>
              void props.onMerge(pick.id).then((merged) => {
                if (!merged) return;
                setPick(null);
                setQ('');
              })
            }
          >
            {t('customers.merge.confirmButton')}
          </button>{' '}
          <button type="button" onClick={() => setPick(null)}>
            {t('customers.merge.cancel')}
          </button>
        </div>
      )}
    </details>
  );
}
