import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiCallError } from '../../api/client';
import type { Parsed, Problem } from './teamSettingsForm';

export type SettingsForm<F> = {
  form: F;
  set: (patch: Partial<F>) => void;
  problems: Problem[];
  /** The sentence for a field's problem, or null. */
  problemOf: (field: string) => string | null;
  error: string | null;
  saved: boolean;
  saving: boolean;
  save: () => Promise<void>;
};

/**
 * One settings form over a synced value: shows the stored value until edited, an edit until it is
 * saved, and what the relay took until the synced value moves (sync brings it), then follows that.
 */
export function useSettingsForm<F, V, R>(o: {
  stored: F;
  parse: (f: F) => Parsed<V>;
  send: (value: V) => Promise<R>;
  formOf: (answer: R) => F;
}): SettingsForm<F> {
  const { t } = useTranslation();
  // An edit (`until` null) shows until saved; what the relay took shows until the synced value moves.
  const [draft, setDraft] = useState<{ form: F; until: string | null } | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  const storedKey = JSON.stringify(o.stored);
  const form = draft && (draft.until === null || draft.until === storedKey) ? draft.form : o.stored;
  return {
    form,
    set: (patch) => {
      setDraft({ form: { ...form, ...patch }, until: null });
      setSaved(false);
    },
    problems,
    problemOf: (field) => {
      const p = problems.find((x) => x.field === field);
      return p ? t(`teamSettings.problems.${p.key}`, p.params ?? {}) : null;
    },
    error,
    saved,
    saving,
    save: async () => {
      setError(null);
      setSaved(false);
      const parsed = o.parse(form);
      setProblems(parsed.ok ? [] : parsed.problems);
      if (!parsed.ok) {
        setError(t('teamSettings.fixProblems'));
        return;
      }
      setSaving(true);
      try {
        setDraft({ form: o.formOf(await o.send(parsed.value)), until: storedKey });
        setSaved(true);
      } catch (err) {
        setError(saveError(err, t));
      } finally {
        setSaving(false);
      }
    },
  };
}

function saveError(err: unknown, t: TFunction): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ApiCallError) {
    if (err.code === 'LOCAL_ERR_OFFLINE') return t('teamSettings.offlineSave');
    if (err.code === 'LOCAL_ERR_AUTH_FAILED') return t('teamSettings.signInAgain', { message });
    if (err.code === 'API_ERR_DISCONNECTED') return message;
  }
  return t('teamSettings.refused', { message });
}
