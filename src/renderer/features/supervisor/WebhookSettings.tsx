import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TeamSettingsView } from '../../../shared/api';
import { ErrorText } from '../../ui/ErrorText';
import { Field } from './SettingsFormParts';
import { useWebhook, type CurrentWebhook, type WebhookProblems } from './useWebhook';

type Inbox = TeamSettingsView['inboxes'][number];

/**
 * An API inbox's webhook: where the relay posts the agents' replies, signed with a secret. Read
 * from the relay (it is not synced: the secret never leaves it), so it needs the network. Saving
 * has the relay test the URL first; a secret the relay made is shown here once, never again.
 */
export function WebhookSettings(props: { inbox: Inbox }) {
  const { t } = useTranslation();
  const hook = useWebhook(props.inbox.id);
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const busy = hook.outcome === 'testing';
  const legend = t('teamSettings.webhook.legend', { inbox: props.inbox.name });
  return (
    // noValidate: the form's own checks say what to fix (the browser's would stop the submit silently).
    <form
      noValidate
      aria-label={legend}
      onSubmit={(e) => {
        e.preventDefault();
        void hook.save();
      }}
    >
      <fieldset className="card">
        <legend>{legend}</legend>
        <CurrentWebhookLine current={hook.current} onRetry={hook.retry} />
        <WebhookFields id={id} {...hook.fields} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('teamSettings.webhook.save')}
          </button>
          {hook.webhook && (
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              {t('teamSettings.webhook.remove')}
            </button>
          )}
        </div>
        {confirming && (
          <div role="alertdialog" aria-labelledby={`${id}-confirm`} className="confirm">
            <p id={`${id}-confirm`}>{t('teamSettings.webhook.confirmRemove', { inbox: props.inbox.name })}</p>
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                void hook.remove();
              }}
            >
              {t('teamSettings.webhook.removeYes')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('teamSettings.webhook.removeNo')}
            </button>
          </div>
        )}
        {hook.outcome && <p role="status">{t(`teamSettings.webhook.${hook.outcome}`)}</p>}
        {hook.madeSecret && <MadeSecret id={id} secret={hook.madeSecret} onCopied={hook.forgetSecret} />}
        <ErrorText error={hook.error} />
      </fieldset>
    </form>
  );
}

/** The webhook the relay holds now: loading, why it could not be read (with Retry), its URL or none. */
function CurrentWebhookLine(props: { current: CurrentWebhook; onRetry: () => void }) {
  const { t } = useTranslation();
  const { current } = props;
  if (current === null) return <p className="hint">{t('teamSettings.webhook.loading')}</p>;
  if ('error' in current) {
    return (
      <div className="actions">
        <p className="error">{current.error}</p>
        <button type="button" onClick={props.onRetry}>
          {t('teamSettings.webhook.retry')}
        </button>
      </div>
    );
  }
  return (
    <p>
      {current.webhook
        ? t('teamSettings.webhook.current', { url: current.webhook.url })
        : t('teamSettings.webhook.none')}
    </p>
  );
}

/** The URL and secret to save, each with its hint and problem. */
function WebhookFields(props: {
  id: string;
  url: string;
  setUrl: (url: string) => void;
  secret: string;
  setSecret: (secret: string) => void;
  problems: WebhookProblems;
}) {
  const { t } = useTranslation();
  const { id } = props;
  return (
    <>
      <Field
        id={`${id}-url`}
        label={t('teamSettings.webhook.url')}
        hint={t('teamSettings.webhook.urlHint')}
        problem={props.problems.url ?? null}
      >
        {(describedBy, invalid) => (
          <input
            id={`${id}-url`}
            type="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://"
            value={props.url}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => props.setUrl(e.target.value)}
          />
        )}
      </Field>
      <Field
        id={`${id}-secret`}
        label={t('teamSettings.webhook.secret')}
        hint={t('teamSettings.webhook.secretHint')}
        problem={props.problems.secret ?? null}
      >
        {(describedBy, invalid) => (
          <input
            id={`${id}-secret`}
            type="password"
            minLength={16}
            maxLength={200}
            autoComplete="new-password"
            value={props.secret}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => props.setSecret(e.target.value)}
          />
        )}
      </Field>
    </>
  );
}

/** A secret the relay made, shown this once to copy. */
function MadeSecret(props: { id: string; secret: string; onCopied: () => void }) {
  const { t } = useTranslation();
  const { id } = props;
  return (
    <div className="notice">
      <label htmlFor={`${id}-made`}>{t('teamSettings.webhook.madeSecret')}</label>
      <input
        id={`${id}-made`}
        readOnly
        value={props.secret}
        aria-describedby={`${id}-made-hint`}
        onFocus={(e) => e.target.select()}
      />
      <p className="hint" id={`${id}-made-hint`}>
        {t('teamSettings.webhook.copyNow')}
      </p>
      <button type="button" onClick={props.onCopied}>
        {t('teamSettings.webhook.copied')}
      </button>
    </div>
  );
}
