import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';

/** What the relay writes on a callback task: the caller's number and how long they waited. */
export type CallbackInfo = { number: string; waitedMs: number; at: string };

/**
 * A callback task (a caller nobody could take within the queue's limit): who waited how long, and
 * one click to call them back on the softphone, through the same dial path as any number in the
 * app. Without a registered phone the click fills the dial pad and opens the phone view.
 */
export function CallbackBar(props: { callback: CallbackInfo }) {
  const { t } = useTranslation();
  const id = useId();
  const ctl = useRoot((s) => s.phoneCtl);
  const registered = useRoot((s) => s.registration === 'registered');
  const setDialNumber = useRoot((s) => s.setDialNumber);
  const setView = useRoot((s) => s.setView);
  const { number, waitedMs } = props.callback;
  const seconds = Math.max(0, Math.round(waitedMs / 1000));
  const waited =
    seconds < 90
      ? t('callback.seconds', { count: seconds })
      : t('callback.minutes', { count: Math.round(seconds / 60) });
  return (
    <div className="actions callback" role="group" aria-label={t('callback.label')}>
      <span id={id}>{t('callback.summary', { number, waited })}</span>
      <button
        type="button"
        aria-describedby={id}
        onClick={() => {
          setDialNumber(number);
          if (registered && ctl) ctl.dial(number);
          else setView('phone');
        }}
      >
        {t('callback.callBack')}
      </button>
    </div>
  );
}

/** The callback of a conversation record from the relay, if it is one (checked: it is remote data). */
export function callbackOf(c: { kind?: unknown; callback?: unknown }): CallbackInfo | null {
  if (c.kind !== 'callback' || typeof c.callback !== 'object' || c.callback === null) return null;
  const cb = c.callback as Record<string, unknown>;
  const number = typeof cb['number'] === 'string' ? cb['number'].trim() : '';
  if (!number || number.length > 64) return null;
  return {
    number,
    waitedMs: typeof cb['waitedMs'] === 'number' && Number.isFinite(cb['waitedMs']) ? cb['waitedMs'] : 0,
    at: typeof cb['at'] === 'string' ? cb['at'] : '',
  };
}
