import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { useTicker } from '../../ui/useTicker';
import { ScreenPopView } from './ScreenPopView';
import type { CallSnapshot } from './sipPhone';
import { MonitoredNotice } from './monitoring/MonitoredNotice';
import { WrapUpForm } from './WrapUpForm';

const TONES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Live calls, their screen-pop and the wrap-up, shown above whatever place the agent is in. */
export function CallPanel() {
  const { t } = useTranslation();
  const calls = useRoot(useShallow((s) => s.calls));
  const wrapUp = useRoot((s) => s.wrapUps[0] ?? null);
  const error = useRoot((s) => s.phoneError);
  const acwNotice = useRoot((s) => s.acwNotice);
  if (calls.length === 0 && !wrapUp && !error && !acwNotice) return null;
  return (
    <section className="call-panel" aria-label={t('call.panel')}>
      <ErrorText error={error} />
      {acwNotice && <p role="status">{t('call.acwTimedOut')}</p>}
      {calls.map((c) => (
        <CallCard key={c.id} call={c} others={calls.filter((o) => o.id !== c.id)} />
      ))}
      {wrapUp && <WrapUpForm key={wrapUp.call.id} />}
    </section>
  );
}

/** mm:ss (h:mm:ss past an hour). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function CallCard(props: { call: CallSnapshot; others: CallSnapshot[] }) {
  const { t } = useTranslation();
  const c = props.call;
  const ctl = useRoot((s) => s.phoneCtl);
  const pop = useRoot((s) => s.pops[c.id]);
  const dtmfIn = useRoot((s) => s.dtmfIn[c.id] ?? '');
  const consent = useRoot((s) => s.recordingCalls[c.id] ?? null);
  const now = useTicker(c.state === 'established');
  const transferId = useId();
  const [target, setTarget] = useState('');
  // Caller ids are untrusted text: React renders them as text, never markup.
  const who = pop?.pop?.customer.name ?? pop?.number ?? (c.remoteUser || c.remoteName || t('call.unknown'));
  const live = c.state === 'established';
  const consult = props.others.find((o) => o.state === 'established' && !o.held);
  return (
    <article className={`call-card call-${c.state}`} aria-label={t('call.cardLabel', { who })}>
      <h2 className="call-who">{who}</h2>
      {c.remoteName && <p className="item-sub">{c.remoteName}</p>}
      <p role="status" aria-label={t('call.stateLabel')}>
        {t(`call.state.${c.direction}.${c.state}`)}
        {c.held ? ` · ${t('call.onHold')}` : ''}
        {c.muted ? ` · ${t('call.muted')}` : ''}
      </p>
      {live && c.answeredAt !== null && (
        <p className="call-timer" aria-label={t('call.timer')}>
          {formatDuration(now - c.answeredAt)}
        </p>
      )}
      {consent !== null && (
        <p className="call-recording" role="status" aria-label={t('call.recordingLabel')}>
          <strong>{t('call.recording')}</strong> {t('call.consent', { text: consent })}
        </p>
      )}
      <MonitoredNotice callId={c.id} />
      {live && <CallQuality call={c} />}
      {c.media === 'none' && <p role="alert">{t('call.noMedia')}</p>}
      {c.signalingLost && <p role="alert">{t('call.signalingLost')}</p>}
      <div className="actions">
        {c.state === 'ringing' && c.direction === 'in' && (
          <>
            <button type="button" onClick={() => ctl?.answer(c.id)}>
              {t('call.answer')}
            </button>
            <button type="button" onClick={() => ctl?.decline(c.id)}>
              {t('call.decline')}
            </button>
          </>
        )}
        {live && (
          <>
            <button type="button" aria-pressed={c.held} onClick={() => ctl?.hold(c.id, !c.held)}>
              {c.held ? t('call.resume') : t('call.hold')}
            </button>
            <button type="button" aria-pressed={c.muted} onClick={() => ctl?.mute(c.id, !c.muted)}>
              {c.muted ? t('call.unmute') : t('call.mute')}
            </button>
          </>
        )}
        {c.state !== 'ringing' || c.direction === 'out' ? (
          <button type="button" className="danger" onClick={() => ctl?.hangup(c.id)}>
            {t('call.hangUp')}
          </button>
        ) : null}
      </div>
      {live && (
        <>
          <div className="keypad" role="group" aria-label={t('call.keypad')}>
            {TONES.map((k) => (
              <button
                key={k}
                type="button"
                aria-label={t('call.tone', { tone: k })}
                onClick={() => ctl?.dtmf(c.id, k)}
              >
                {k}
              </button>
            ))}
          </div>
          {dtmfIn && (
            <p className="item-sub" aria-label={t('call.tonesReceived')}>
              {dtmfIn}
            </p>
          )}
          <div className="field inline">
            <label htmlFor={transferId}>{t('call.transferTo')}</label>
            <input
              id={transferId}
              value={target}
              maxLength={128}
              autoComplete="off"
              onChange={(e) => setTarget(e.target.value)}
            />
            <button
              type="button"
              disabled={!target.trim()}
              onClick={() => ctl?.blindTransfer(c.id, target.trim())}
            >
              {t('call.blindTransfer')}
            </button>
          </div>
          {c.held && consult && (
            <button type="button" onClick={() => ctl?.attendedTransfer(c.id, consult.id)}>
              {t('call.completeTransfer')}
            </button>
          )}
        </>
      )}
      {c.direction === 'in' && pop && <ScreenPopView callId={c.id} pop={pop} />}
    </article>
  );
}

/** Live MOS and the warnings raised now, as text (Twilio's thresholds, see quality.ts). */
function CallQuality(props: { call: CallSnapshot }) {
  const { t } = useTranslation();
  const { mos, warnings } = props.call.quality;
  return (
    <>
      <p className="call-quality" aria-label={t('call.quality')}>
        {mos === null ? t('call.qualityPending') : t('call.mos', { mos: mos.toFixed(1) })}
      </p>
      {warnings.length > 0 && (
        <ul className="call-quality-warnings" aria-label={t('call.qualityWarnings')}>
          {warnings.map((w) => (
            <li key={w}>{t(`call.qualityWarning.${w}`)}</li>
          ))}
        </ul>
      )}
    </>
  );
}
