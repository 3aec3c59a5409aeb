import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LABEL_LIMITS, labelProblem } from '../../../shared/sync/mutations';
import { useApi } from '../../app/context';
import { useQuery } from '../../app/useQuery';
import { ErrorText } from '../../ui/ErrorText';

/**
 * A conversation's labels as chips, each with a remove button, and a field to add one with the
 * labels known to the workspace as suggestions (a new label is allowed too). Works offline: each
 * change is a queued mutation, shown at once.
 */
export function LabelEditor(props: { conversationId: string; labels: readonly string[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const known = useQuery('conversations:labels', {});
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = { input: useId(), list: useId(), group: useId() };
  const { conversationId, labels } = props;

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const typed = draft.trim();
    // A known label typed in another case is that label, so the inbox filter finds it.
    const label =
      (known.data ?? []).find((k) => k.toLocaleLowerCase() === typed.toLocaleLowerCase()) ?? typed;
    const problem = typed === '' ? 'empty' : labelProblem(label) === null ? null : problemKey(label);
    if (problem) return setError(t(`labels.${problem}`, { max: LABEL_LIMITS.length }));
    if (!labels.includes(label) && labels.length >= LABEL_LIMITS.perConversation)
      return setError(t('labels.tooMany', { max: LABEL_LIMITS.perConversation }));
    // Cleared at once, so a label typed next is not wiped when this one's answer comes back.
    setDraft('');
    if (labels.includes(label)) return setError(null);
    void run(async () => {
      try {
        await api.call('conversations:addLabel', { id: conversationId, label });
      } catch (err) {
        setDraft((d) => (d === '' ? typed : d)); // give the refused text back to correct it
        throw err;
      }
    });
  };

  const suggestions = (known.data ?? []).filter((k) => !labels.includes(k));
  return (
    <div className="label-editor" role="group" aria-labelledby={ids.group}>
      <span id={ids.group} className="visually-hidden">
        {t('labels.group')}
      </span>
      <LabelChips
        labels={labels}
        onRemove={(l) =>
          void run(() => api.call('conversations:removeLabel', { id: conversationId, label: l }))
        }
      />
      <form className="field inline" onSubmit={add}>
        <label htmlFor={ids.input}>{t('labels.addLabel')}</label>
        <input
          id={ids.input}
          list={ids.list}
          value={draft}
          maxLength={LABEL_LIMITS.length * 2}
          autoComplete="off"
          onChange={(e) => setDraft(e.target.value)}
        />
        <datalist id={ids.list}>
          {suggestions.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <button type="submit">{t('labels.add')}</button>
      </form>
      <ErrorText error={error} />
    </div>
  );
}

/** The conversation's labels as chips, each with its remove button. */
function LabelChips(props: { labels: readonly string[]; onRemove: (label: string) => void }) {
  const { t } = useTranslation();
  return (
    <ul className="chips" aria-label={t('labels.group')}>
      {props.labels.map((l) => (
        <li key={l} className="chip chip-removable">
          <span>{l}</span>
          <button
            type="button"
            className="chip-remove"
            aria-label={t('labels.remove', { label: l })}
            title={t('labels.remove', { label: l })}
            onClick={() => props.onRemove(l)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The message key for a label the relay would refuse (see labelProblem). */
function problemKey(label: string): 'tooLong' | 'control' {
  return [...label].length > LABEL_LIMITS.length ? 'tooLong' : 'control';
}
