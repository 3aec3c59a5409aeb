import * as Popover from '@radix-ui/react-popover';
import {
  ArrowRightLeft,
  Grid3x3,
  Mic,
  MicOff,
  Pause,
  Phone,
  PhoneIncoming,
  PhoneOff,
  Play,
  UserRound,
} from 'lucide-react';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useTicker } from '../../ui/useTicker';
import { CallQuality } from './CallQuality';
import { MonitoredNotice } from './monitoring/MonitoredNotice';
import type { CallPop } from './phoneSlice';
import { ScreenPopView } from './ScreenPopView';
import type { CallSnapshot } from './sipPhone';

const TONES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** mm:ss (h:mm:ss past an hour). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * One call in the call bar: who (with the screen-pop's summary), its state and timer, recording
 * and quality, and its controls. The caller's profile, the keypad and transfer open above the bar
 * (popovers kept in this call's element), so nothing on the page moves.
 */
export function CallCard(props: { call: CallSnapshot; others: CallSnapshot[] }) {
  const { t } = useTranslation();
  const c = props.call;
  const pop = useRoot((s) => s.pops[c.id]);
  const consent = useRoot((s) => s.recordingCalls[c.id] ?? null);
  const now = useTicker(c.state === 'established');
  // The caller's profile opens by itself while an incoming call rings (without taking focus).
  const [profileOpen, setProfileOpen] = useState(c.direction === 'in');
  // Caller ids are untrusted text: React renders them as text, never markup.
  const who = pop?.pop?.customer.name ?? pop?.number ?? (c.remoteUser || c.remoteName || t('call.unknown'));
  const live = c.state === 'established';
  const ringingIn = c.state === 'ringing' && c.direction === 'in';
  return (
    <article className={`call-card call-${c.state}`} aria-label={t('call.cardLabel', { who })}>
      <span className="call-icon" aria-hidden="true">
        {ringingIn ? <PhoneIncoming size={18} /> : <Phone size={18} />}
      </span>
      <CallIdentity call={c} who={who} pop={pop} />
      {live && c.answeredAt !== null && (
        <span className="call-timer" aria-label={t('call.timer')}>
          {formatDuration(now - c.answeredAt)}
        </span>
      )}
      {consent !== null && <RecordingNotice consent={consent} />}
      <MonitoredNotice callId={c.id} />
      {live && <CallQuality call={c} />}
      {c.media === 'none' && (
        <p role="alert" className="call-alert">
          {t('call.noMedia')}
        </p>
      )}
      {c.signalingLost && (
        <p role="alert" className="call-alert">
          {t('call.signalingLost')}
        </p>
      )}
      <div className="call-actions">
        {c.direction === 'in' && pop && (
          <CallerProfile callId={c.id} pop={pop} open={profileOpen} onOpenChange={setProfileOpen} />
        )}
        {ringingIn && <RingingControls callId={c.id} />}
        {live && <LiveControls call={c} others={props.others} />}
        {!ringingIn && <HangUp callId={c.id} />}
      </div>
    </article>
  );
}

/** Who is calling, the call's state (on hold, muted), the screen-pop's summary and the caller's own name. */
function CallIdentity(props: { call: CallSnapshot; who: string; pop: CallPop | undefined }) {
  const { t } = useTranslation();
  const { call: c, who, pop } = props;
  return (
    <div className="call-id">
      <h2 className="call-who">{who}</h2>
      <p className="call-sub">
        <span role="status" aria-label={t('call.stateLabel')}>
          {t(`call.state.${c.direction}.${c.state}`)}
          {c.held ? ` · ${t('call.onHold')}` : ''}
          {c.muted ? ` · ${t('call.muted')}` : ''}
        </span>
        {pop && <PopSummary pop={pop} />}
        {c.remoteName && c.remoteName !== who && <span className="call-remote-name">{c.remoteName}</span>}
      </p>
    </div>
  );
}

/** The call is recorded: the consent sentence stays in view, as the agent reads it to the caller. */
function RecordingNotice(props: { consent: string }) {
  const { t } = useTranslation();
  return (
    <p
      className="call-recording"
      role="status"
      aria-label={t('call.recordingLabel')}
      title={t('call.consent', { text: props.consent })}
    >
      <strong>{t('call.recording')}</strong>{' '}
      <span className="call-consent">{t('call.consent', { text: props.consent })}</span>
    </p>
  );
}

/** The caller's profile (the screen-pop) above the bar. */
function CallerProfile(props: {
  callId: string;
  pop: CallPop;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { t } = useTranslation();
  return (
    <Popover.Root open={props.open} onOpenChange={props.onOpenChange}>
      <Popover.Trigger asChild>
        <button
          type="button"
          className="icon-button"
          aria-label={t('call.profile')}
          title={t('call.profile')}
        >
          <UserRound size={18} aria-hidden="true" />
        </button>
      </Popover.Trigger>
      <Popover.Content
        className="popover call-popover"
        side="top"
        align="end"
        sideOffset={8}
        // A call must not take the keyboard from the reply the agent is typing.
        onOpenAutoFocus={(e) => e.preventDefault()}
        onInteractOutside={(e) => e.preventDefault()}
      >
        <ScreenPopView callId={props.callId} pop={props.pop} />
      </Popover.Content>
    </Popover.Root>
  );
}

/** Answer and Decline, while an incoming call rings. */
function RingingControls(props: { callId: string }) {
  const { t } = useTranslation();
  const ctl = useRoot((s) => s.phoneCtl);
  return (
    <>
      <button type="button" className="button-ok" onClick={() => ctl?.answer(props.callId)}>
        <Phone size={16} aria-hidden="true" />
        {t('call.answer')}
      </button>
      <button type="button" className="button-danger" onClick={() => ctl?.decline(props.callId)}>
        <PhoneOff size={16} aria-hidden="true" />
        {t('call.decline')}
      </button>
    </>
  );
}

/**
 * A live call's controls: mute, hold, the keypad, transfer, and completing an attended transfer
 * to the other call the agent is talking on while this one is held.
 */
function LiveControls(props: { call: CallSnapshot; others: CallSnapshot[] }) {
  const { t } = useTranslation();
  const ctl = useRoot((s) => s.phoneCtl);
  const c = props.call;
  const consult = props.others.find((o) => o.state === 'established' && !o.held);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-pressed={c.muted}
        aria-label={c.muted ? t('call.unmute') : t('call.mute')}
        title={c.muted ? t('call.unmute') : t('call.mute')}
        onClick={() => ctl?.mute(c.id, !c.muted)}
      >
        {c.muted ? <MicOff size={18} aria-hidden="true" /> : <Mic size={18} aria-hidden="true" />}
      </button>
      <button
        type="button"
        className="icon-button"
        aria-pressed={c.held}
        aria-label={c.held ? t('call.resume') : t('call.hold')}
        title={c.held ? t('call.resume') : t('call.hold')}
        onClick={() => ctl?.hold(c.id, !c.held)}
      >
        {c.held ? <Play size={18} aria-hidden="true" /> : <Pause size={18} aria-hidden="true" />}
      </button>
      <Keypad callId={c.id} />
      <Transfer callId={c.id} />
      {c.held && consult && (
        <button type="button" onClick={() => ctl?.attendedTransfer(c.id, consult.id)}>
          {t('call.completeTransfer')}
        </button>
      )}
    </>
  );
}

/** Hang up: every call but one ringing in (that one has Decline). */
function HangUp(props: { callId: string }) {
  const { t } = useTranslation();
  const ctl = useRoot((s) => s.phoneCtl);
  return (
    <button type="button" className="button-danger" onClick={() => ctl?.hangup(props.callId)}>
      <PhoneOff size={16} aria-hidden="true" />
      {t('call.hangUp')}
    </button>
  );
}

/** The screen-pop in a few words beside the caller's name: company, open conversations. */
function PopSummary(props: { pop: CallPop }) {
  const { t } = useTranslation();
  const { pop, looked } = props.pop;
  if (!looked) return <span> · {t('call.lookingUp')}</span>;
  if (!pop) return <span> · {t('call.unknownShort')}</span>;
  const parts = [pop.customer.company, t('call.openCount', { count: pop.openConversations.length })];
  return <span> · {parts.filter(Boolean).join(' · ')}</span>;
}

/** The keypad (DTMF) above the bar, with the tones received. */
function Keypad(props: { callId: string }) {
  const { t } = useTranslation();
  const ctl = useRoot((s) => s.phoneCtl);
  const dtmfIn = useRoot((s) => s.dtmfIn[props.callId] ?? '');
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button type="button" className="icon-button" aria-label={t('call.keypad')} title={t('call.keypad')}>
          <Grid3x3 size={18} aria-hidden="true" />
        </button>
      </Popover.Trigger>
      <Popover.Content className="popover keypad-popover" side="top" align="center" sideOffset={8}>
        <div className="keypad" role="group" aria-label={t('call.keypad')}>
          {TONES.map((k) => (
            <button
              key={k}
              type="button"
              aria-label={t('call.tone', { tone: k })}
              onClick={() => ctl?.dtmf(props.callId, k)}
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
      </Popover.Content>
    </Popover.Root>
  );
}

/** Blind transfer to a number or extension, above the bar. */
function Transfer(props: { callId: string }) {
  const { t } = useTranslation();
  const ctl = useRoot((s) => s.phoneCtl);
  const id = useId();
  const [target, setTarget] = useState('');
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button
          type="button"
          className="icon-button"
          aria-label={t('call.transferMenu')}
          title={t('call.transferMenu')}
        >
          <ArrowRightLeft size={18} aria-hidden="true" />
        </button>
      </Popover.Trigger>
      <Popover.Content className="popover" side="top" align="end" sideOffset={8}>
        <form
          className="field"
          onSubmit={(e) => {
            e.preventDefault();
            if (target.trim()) ctl?.blindTransfer(props.callId, target.trim());
          }}
        >
          <label htmlFor={id}>{t('call.transferTo')}</label>
          <div className="inline">
            <input
              id={id}
              value={target}
              maxLength={128}
              autoComplete="off"
              onChange={(e) => setTarget(e.target.value)}
            />
            <button type="submit" disabled={!target.trim()}>
              {t('call.blindTransfer')}
            </button>
          </div>
        </form>
      </Popover.Content>
    </Popover.Root>
  );
}
