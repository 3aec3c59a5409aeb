import { useEffect, useRef, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_BOARD_THRESHOLDS as T,
  levelAbove,
  levelBelow,
  type BoardAgent,
  type BoardLevel,
  type BoardAccess,
  type SupervisorBoard,
} from '../../../shared/supervisor';
import { BoardAccessNotice } from './BoardAccessNotice';
import { Freshness } from './LiveView';
import {
  activityOf,
  boardTotals,
  countByActivity,
  formatDuration,
  formatPercent,
  since,
  stateText,
} from './boardFormat';

/**
 * The wallboard: the live view full screen, readable from across a room. Large figures, each
 * coloured by its threshold and named in words too (colour is never the only sign); nothing to
 * click to keep it going: it follows the pushed board and, when the relay goes away, says since
 * when its figures are and picks up again by itself once the sync reconnects.
 */
export function Wallboard(props: {
  board: SupervisorBoard | null;
  now: number;
  connected: boolean;
  /** What the board lost last (shown until the live view's notice is dismissed), if anything. */
  accessLost?: BoardAccess | null;
  onExit: () => void;
}) {
  const { t } = useTranslation();
  const root = useRef<HTMLDivElement>(null);
  const { board, now, onExit } = props;
  useFullScreen(root, onExit);
  return (
    <div className="wallboard" ref={root} tabIndex={-1} role="region" aria-label={t('wallboard.title')}>
      <header className="wallboard-head">
        <h2>{t('wallboard.title')}</h2>
        <span className="wallboard-clock">{new Date(now).toLocaleTimeString()}</span>
        <button type="button" onClick={onExit}>
          {t('wallboard.exit')}
        </button>
      </header>
      <Freshness at={board?.at ?? null} connected={props.connected} />
      <BoardAccessNotice lost={props.accessLost ?? null} />
      {board && (
        <>
          <BoardFigures board={board} now={now} />
          {board.queues.length > 1 && <QueueRows board={board} now={now} />}
          <ActivityCounts board={board} />
          <ul className="wallboard-agents" aria-label={t('liveView.agents')}>
            {board.agents.map((a) => (
              <AgentTile key={a.id} agent={a} now={now} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Takes focus and the full screen (where the window may) while shown; Escape calls `onExit`. */
function useFullScreen(root: RefObject<HTMLDivElement | null>, onExit: () => void) {
  useEffect(() => {
    root.current?.focus();
    // Full screen where the window may go full screen (a user's click opened it); else it fills the window.
    root.current?.requestFullscreen?.().catch(() => undefined);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onExit();
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    };
  }, [root, onExit]);
}

/** The board's headline figures over all its queues. */
function BoardFigures(props: { board: SupervisorBoard; now: number }) {
  const { t } = useTranslation();
  const totals = boardTotals(props.board);
  const wait = totals.longestWaitSince ? since(totals.longestWaitSince, props.now) : null;
  return (
    <div className="wallboard-figures">
      <Figure
        label={t('liveView.waiting')}
        value={String(totals.waiting)}
        level={levelAbove(totals.waiting, T.waiting)}
      />
      <Figure
        label={t('liveView.longestWait')}
        value={wait === null ? '–' : formatDuration(wait)}
        level={wait === null ? 'ok' : levelAbove(wait, T.longestWaitMs)}
      />
      <Figure
        label={t('liveView.serviceLevel')}
        value={formatPercent(totals.serviceLevel)}
        level={levelBelow(totals.serviceLevel, T.serviceLevel)}
      />
      <Figure
        label={t('liveView.abandoned')}
        value={String(totals.abandoned)}
        level={totals.abandoned > 0 ? 'warn' : 'ok'}
      />
      <Figure
        label={t('liveView.slaBreached')}
        value={String(totals.breached)}
        level={totals.breached > 0 ? 'alert' : 'ok'}
      />
      <Figure
        label={t('liveView.slaAtRisk')}
        value={String(totals.atRisk)}
        level={totals.atRisk > 0 ? 'warn' : 'ok'}
      />
    </div>
  );
}

/** Each queue's waiting, longest wait and service level, coloured by threshold. */
function QueueRows(props: { board: SupervisorBoard; now: number }) {
  const { t } = useTranslation();
  return (
    <div className="wallboard-queues">
      {props.board.queues.map((q) => {
        const w = q.longestWaitSince ? since(q.longestWaitSince, props.now) : null;
        return (
          <div key={q.inboxId} role="group" aria-label={q.name} className="wallboard-queue">
            <span className="wallboard-queue-name">{q.name}</span>
            <span className={`level-${levelAbove(q.waiting, T.waiting)}`}>
              {t('wallboard.queueWaiting', { count: q.waiting })}
            </span>
            <span className={`level-${w === null ? 'ok' : levelAbove(w, T.longestWaitMs)}`}>
              {w === null ? '–' : formatDuration(w)}
            </span>
            <span className={`level-${levelBelow(q.serviceLevel, T.serviceLevel)}`}>
              {formatPercent(q.serviceLevel)}
            </span>
          </div>
        );
      })}
    </div>
  );
}

/** How many agents are doing what. */
function ActivityCounts(props: { board: SupervisorBoard }) {
  const { t } = useTranslation();
  const counts = countByActivity(props.board);
  return (
    <p className="wallboard-counts">
      {(['available', 'onCall', 'after-call-work', 'away', 'offline', 'disconnected'] as const).map((k) => (
        <span key={k}>{t('wallboard.count', { label: t(`wallboard.activity.${k}`), count: counts[k] })}</span>
      ))}
    </p>
  );
}

/** One big figure with its label, its colour and its level in words. */
function Figure(props: { label: string; value: string; level: BoardLevel }) {
  const { t } = useTranslation();
  return (
    <div role="group" aria-label={props.label} className={`wallboard-figure level-${props.level}`}>
      <span className="wallboard-label">{props.label}</span>
      <span className="wallboard-value">{props.value}</span>
      {props.level !== 'ok' && <span className="wallboard-level">{t(`wallboard.level.${props.level}`)}</span>}
    </div>
  );
}

function AgentTile(props: { agent: BoardAgent; now: number }) {
  const { t } = useTranslation();
  const a = props.agent;
  const act = activityOf(a);
  const call = a.calls.find((c) => c.state !== 'ringing') ?? a.calls[0];
  const from =
    act === 'disconnected' ? a.disconnectedSince : call ? (call.heldSince ?? call.since) : a.stateSince;
  return (
    <li className={`wallboard-agent activity-${act}`} aria-label={a.name}>
      <span className="wallboard-agent-name">{a.name}</span>
      <span className="wallboard-agent-state">
        {act === 'away' ? stateText(t, a) : t(`wallboard.activity.${act}`)}
      </span>
      <span className="wallboard-agent-time">{from ? formatDuration(since(from, props.now)) : '–'}</span>
      {call && <span className="wallboard-agent-with">{call.customerName}</span>}
    </li>
  );
}
