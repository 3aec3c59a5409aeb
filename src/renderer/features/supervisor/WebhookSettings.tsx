import type { TFunction } from 'i18next';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { webhookInputSchema, type TeamSettingsView } from '../../../shared/api';
import type { InboxWebhookView } from '../../../shared/relayRoutes';
import { ApiCallError } from '../../api/client';
import { useApi } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { Field } from './SettingsFormParts';

type Inbox = TeamSettingsView['inboxes'][number];
type Current = { webhook: InboxWebhookView | null } | { error: string } | null;
type Outcome = 'testing' | 'saved' | 'removed' | null;

/**
 * An API inbox's webhook: where the relay posts the agents' replies, signed with a secret. Read
 * from the relay (it is not synced: the secret never leaves it), so it needs the network. Saving
 * has the relay test the URL first; a secret the relay made is shown here once, never again.
 */
export function WebhookSettings(props: { inbox: Inbox }) {
  const { t } = useTranslation();
  const api = useApi();
  const inboxId = props.inbox.id;
  const id = useId();
  const [current, setCurrent] = useState<Current>(null);
  const [reload, setReload] = useState(0);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [problems, setProblems] = useState<{ url?: string; secret?: string }>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [error, setError] = useState<string | null>(null);
  const [madeSecret, setMadeSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const busy = outcome === 'testing';

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

  const save = async () => {
    setError(null);
    setOutcome(null);
    setMadeSecret(null);
    const parsed = webhookInputSchema.safeParse({ inboxId, url, ...(secret ? { secret } : {}) });
    if (!parsed.success) {
      const fields = new Set(parsed.error.issues.map((i) => i.path[0]));
      setProblems({
        ...(fields.has('url') ? { url: t('teamSettings.webhook.problems.url') } : {}),
        ...(fields.has('secret') ? { secret: t('teamSettings.webhook.problems.secret') } : {}),
      });
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
    setConfirming(false);
    setError(null);
    setOutcome(null);
    setMadeSecret(null);
    try {
      await api.call('teams:removeWebhook', { inboxId });
      setCurrent({ webhook: null });
      setOutcome('removed');
    } catch (err) {
      setError(failure(err, t, 'teamSettings.webhook.removeFailed'));
    }
  };

  const legend = t('teamSettings.webhook.legend', { inbox: props.inbox.name });
  const webhook = current && 'webhook' in current ? current.webhook : null;
  return (
    // noValidate: the form's own checks say what to fix (the browser's would stop the submit silently).
    <form
      noValidate
      aria-label={legend}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset className="card">
        <legend>{legend}</legend>
        {current === null && <p className="hint">{t('teamSettings.webhook.loading')}</p>}
        {current && 'error' in current && (
          <div className="actions">
            <p className="error">{current.error}</p>
            <button
              type="button"
              onClick={() => {
                setCurrent(null);
                setReload((n) => n + 1);
              }}
            >
              {t('teamSettings.webhook.retry')}
            </button>
          </div>
        )}
        {current && 'webhook' in current && (
          <p>
            {webhook
              ? t('teamSettings.webhook.current', { url: webhook.url })
              : t('teamSettings.webhook.none')}
          </p>
        )}
        <Field
          id={`${id}-url`}
          label={t('teamSettings.webhook.url')}
          hint={t('teamSettings.webhook.urlHint')}
          problem={problems.url ?? null}
        >
          {(describedBy, invalid) => (
            <input
              id={`${id}-url`}
              type="url"
              inputMode="url"
              autoComplete="off"
              placeholder="https://"
              value={url}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field
          id={`${id}-secret`}
          label={t('teamSettings.webhook.secret')}
          hint={t('teamSettings.webhook.secretHint')}
          problem={problems.secret ?? null}
        >
          {(describedBy, invalid) => (
            <input
              id={`${id}-secret`}
              type="password"
              minLength={16}
              maxLength={200}
              autoComplete="new-password"
              value={secret}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => setSecret(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('teamSettings.webhook.save')}
          </button>
          {webhook && (
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              {t('teamSettings.webhook.remove')}
            </button>
          )}
        </div>
        {confirming && (
          <div role="alertdialog" aria-labelledby={`${id}-confirm`} className="confirm">
            <p id={`${id}-confirm`}>{t('teamSettings.webhook.confirmRemove', { inbox: props.inbox.name })}</p>
            <button type="button" onClick={() => void remove()}>
              {t('teamSettings.webhook.removeYes')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('teamSettings.webhook.removeNo')}
            </button>
          </div>
        )}
        {outcome && <p role="status">{t(`teamSettings.webhook.${outcome}`)}</p>}
        {madeSecret && (
          <div className="notice">
            <label htmlFor={`${id}-made`}>{t('teamSettings.webhook.madeSecret')}</label>
            <input
              id={`${id}-made`}
              readOnly
              value={madeSecret}
              aria-describedby={`${id}-made-hint`}
              onFocus={(e) => e.target.select()}
            />
            <p className="hint" id={`${id}-made-hint`}>
              {t('teamSettings.webhook.copyNow')}
            </p>
            <button type="button" onClick={() => setMadeSecret(null)}>
              {t('teamSettings.webhook.copied')}
            </button>
          </div>
        )}
        <ErrorText error={error} />
      </fieldset>
    </form>
  );
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
