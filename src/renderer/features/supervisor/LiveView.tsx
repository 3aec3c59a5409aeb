import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { useTicker } from '../../ui/useTicker';
import { BoardAccessNotice } from './BoardAccessNotice';
import { AgentTable, QueueTable } from './LiveTables';
import { LiveChatPane } from './LiveChatPane';
import { Wallboard } from './Wallboard';
import { useBoardWatch } from './useBoardWatch';

/**
 * The supervisor's live view: queues and agents of the teams they supervise (admins: all), as the
 * relay pushes them, with the actions of each agent and a reading pane for live chats; or the
 * full-screen wallboard. Times tick here; the figures change only when the relay says so.
 */
export function LiveView() {
  const { t } = useTranslation();
  useBoardWatch();
  const board = useRoot((s) => s.board);
  const lost = useRoot((s) => s.boardAccessLost);
  const setLost = useRoot((s) => s.setBoardAccessLost);
  const connected = useRoot(
    (s) => s.session?.sync.status === 'online' || s.session?.sync.status === 'syncing',
  );
  const [wallboard, setWallboard] = useState(false);
  const [reading, setReading] = useState<string | null>(null);
  const now = useTicker(true);
  if (wallboard)
    return (
      <Wallboard
        board={board}
        now={now}
        connected={connected}
        accessLost={lost}
        onExit={() => setWallboard(false)}
      />
    );
  return (
    <div className="live-view">
      <div className="live-toolbar">
        <button type="button" onClick={() => setWallboard(true)}>
          {t('liveView.openWallboard')}
        </button>
        <Freshness at={board?.at ?? null} connected={connected} />
      </div>
      <BoardAccessNotice lost={lost} onDismiss={lost?.ended ? undefined : () => setLost(null)} />
      {lost?.ended ? null : !board ? (
        <p role="status" className="hint">
          {connected ? t('liveView.loading') : t('liveView.waitingForRelay')}
        </p>
      ) : (
        <>
          <QueueTable board={board} now={now} />
          <AgentTable board={board} now={now} onRead={(conversationId) => setReading(conversationId)} />
          {reading && (
            <LiveChatPane conversationId={reading} board={board} onClose={() => setReading(null)} />
          )}
        </>
      )}
    </div>
  );
}

/** Says when the relay cannot be reached: the figures shown are as of their time, and it reconnects by itself. */
export function Freshness(props: { at: string | null; connected: boolean }) {
  const { t } = useTranslation();
  if (props.connected) return null;
  return (
    <p role="status" className="live-stale">
      {props.at
        ? t('liveView.stale', { time: new Date(props.at).toLocaleTimeString() })
        : t('liveView.waitingForRelay')}
    </p>
  );
}
