import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { webhookInputSchema } from '../../../shared/api';
import type { InboxWebhookView } from '../../../shared/relayRoutes';
import { ApiCallError } from '../../api/client';
import { useApi } from '../../app/context';

/** The inbox's webhook as read from the relay: not yet (null), read, or why it could not be. */
export type CurrentWebhook = { webhook: InboxWebhookView | null } | { error: string } | null;
export type WebhookOutcome = 'testing' | 'saved' | 'removed' | null;
export type WebhookProblems = { url?: string; secret?: string };

/**
 * One inbox's webhook on the relay: reads it (again on `retry`), saves a new URL and secret (the
 * relay tests the URL first and may make the secret, shown once), and removes it.
 */
export function useWebhook(inboxId: string) {
  const { t } = useTranslation();
  const api = useApi();
  const [current, setCurrent] = useState<CurrentWebhook>(null);
  const [reload, setReload] = useState(0);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [problems, setProblems] = useState<WebhookProblems>({});
  const [outcome, setOutcome] = useState<WebhookOutcome>(null);
  const [error, setError] = useState<string | null>(null);
  const [madeSecret, setMadeSecret] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.call('teams:getWebhook', { inboxId }).then(
      (r) => live && setCurrent(r),
      (err: unknown) => live && setCurrent({ error: failure(err, t, 'teamSettings.webhook.loadFailed') }),
    );
    return () => {
      live = false;
    };
  }, [api, inboxId, reload, t]);

  const startOver = () => {
    setError(null);
    setOutcome(null);
    setMadeSecret(null);
  };

  const save = async () => {
    startOver();
    const parsed = webhookInputSchema.safeParse({ inboxId, url, ...(secret ? { secret } : {}) });
    if (!parsed.success) {
      setProblems(problemsOf(parsed.error.issues, t));
      setError(t('teamSettings.fixProblems'));
      return;
    }
    setProblems({});
    setOutcome('testing');
    try {
      const { secret: made, ...webhook } = await api.call('teams:setWebhook', parsed.data);
      setCurrent({ webhook });
      setMadeSecret(made ?? null);
      setUrl('');
      setSecret('');
      setOutcome('saved');
    } catch (err) {
      setOutcome(null);
      setError(failure(err, t, 'teamSettings.webhook.refused'));
    }
  };

  const remove = async () => {
    startOver();
    try {
      await api.call('teams:removeWebhook', { inboxId });
      setCurrent({ webhook: null });
      setOutcome('removed');
    } catch (err) {
      setError(failure(err, t, 'teamSettings.webhook.removeFailed'));
    }
  };

  const retry = () => {
    setCurrent(null);
    setReload((n) => n + 1);
  };

  const webhook = current && 'webhook' in current ? current.webhook : null;
  const forgetSecret = () => setMadeSecret(null);
  const fields = { url, setUrl, secret, setSecret, problems };
  return { current, webhook, fields, outcome, error, madeSecret, forgetSecret, save, remove, retry };
}

/** The sentence for each field the schema refused. */
function problemsOf(issues: readonly { path: readonly PropertyKey[] }[], t: TFunction): WebhookProblems {
  const fields = new Set(issues.map((i) => i.path[0]));
  return {
    ...(fields.has('url') ? { url: t('teamSettings.webhook.problems.url') } : {}),
    ...(fields.has('secret') ? { secret: t('teamSettings.webhook.problems.secret') } : {}),
  };
}

/** What went wrong, with what to do next: offline and sign-in as elsewhere; else the relay's words. */
function failure(err: unknown, t: TFunction, key: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ApiCallError) {
    if (err.code === 'LOCAL_ERR_OFFLINE') return t('teamSettings.webhook.offline');
    if (err.code === 'LOCAL_ERR_AUTH_FAILED') return t('teamSettings.webhook.signInAgain', { message });
  }
  return t(key, { message });
}
