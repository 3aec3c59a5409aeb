import { useTranslation } from 'react-i18next';
import { DEFAULT_BOARD_THRESHOLDS as T, levelAbove, levelBelow } from '../../../shared/supervisor';
import type { BoardAgent, SupervisorBoard } from '../../../shared/supervisor';
import { AgentActions } from './AgentActions';
import { formatDuration, formatPercent, since, stateText } from './boardFormat';

/** Queues of the board: who waits, for how long, and how the day went. */
export function QueueTable(props: { board: SupervisorBoard; now: number }) {
  const { t } = useTranslation();
  const { board, now } = props;
  if (board.queues.length === 0) return <p className="hint">{t('liveView.noQueues')}</p>;
  return (
    <table className="live-table" aria-label={t('liveView.queues')}>
      <thead>
        <tr>
          <th scope="col">{t('liveView.queue')}</th>
          <th scope="col">{t('liveView.waiting')}</th>
          <th scope="col">{t('liveView.longestWait')}</th>
          <th scope="col">{t('liveView.offered')}</th>
          <th scope="col">{t('liveView.answered')}</th>
          <th scope="col">{t('liveView.serviceLevel')}</th>
          <th scope="col">{t('liveView.abandoned')}</th>
          <th scope="col">{t('liveView.slaAtRisk')}</th>
          <th scope="col">{t('liveView.slaBreached')}</th>
        </tr>
      </thead>
      <tbody>
        {board.queues.map((q) => {
          const wait = q.longestWaitSince ? since(q.longestWaitSince, now) : null;
          return (
            <tr key={q.inboxId}>
              <th scope="row">
                {q.name} <span className="muted">· {t(`channels.${q.channel}`)}</span>
              </th>
              <td className={`level-${levelAbove(q.waiting, T.waiting)}`}>{q.waiting}</td>
              <td className={`level-${wait === null ? 'ok' : levelAbove(wait, T.longestWaitMs)}`}>
                {wait === null ? '–' : formatDuration(wait)}
              </td>
              <td>{q.offeredToday}</td>
              <td>{q.answeredToday}</td>
              <td className={`level-${levelBelow(q.serviceLevel, T.serviceLevel)}`}>
                {formatPercent(q.serviceLevel)}{' '}
                {q.targetMs !== null && (
                  <span className="muted">
                    {t('liveView.withinTarget', { seconds: Math.round(q.targetMs / 1000) })}
                  </span>
                )}
              </td>
              <td>{q.abandonedToday}</td>
              <td className={q.slaAtRisk > 0 ? 'level-warn' : undefined}>{q.slaAtRisk}</td>
              <td className={q.slaBreached > 0 ? 'level-alert' : undefined}>{q.slaBreached}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Agents of the board: status and time in it, calls, chats, the day's count, and actions. */
export function AgentTable(props: {
  board: SupervisorBoard;
  now: number;
  onRead: (conversationId: string) => void;
}) {
  const { t } = useTranslation();
  const { board, now } = props;
  if (board.agents.length === 0) return <p className="hint">{t('liveView.noAgents')}</p>;
  return (
    <table className="live-table" aria-label={t('liveView.agents')}>
      <thead>
        <tr>
          <th scope="col">{t('liveView.agent')}</th>
          <th scope="col">{t('liveView.status')}</th>
          <th scope="col">{t('liveView.calls')}</th>
          <th scope="col">{t('liveView.chats')}</th>
          <th scope="col">{t('liveView.handledToday')}</th>
          <th scope="col">{t('liveView.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {board.agents.map((a) => (
          <tr key={a.id} aria-label={a.name}>
            <th scope="row">{a.name}</th>
            <td>
              <AgentStatus agent={a} now={now} />
            </td>
            <td>
              {a.calls.length === 0
                ? '–'
                : a.calls.map((c) => (
                    <div key={c.conversationId}>
                      {t(`liveView.call.${c.state}`, {
                        customer: c.customerName || t('liveView.aCustomer'),
                        time: formatDuration(since(c.since, now)),
                      })}
                      {c.heldSince &&
                        ` · ${t('liveView.heldFor', { time: formatDuration(since(c.heldSince, now)) })}`}
                    </div>
                  ))}
            </td>
            <td>
              {a.chats.map((c) => (
                <div key={c.conversationId}>
                  {t('liveView.chat', {
                    customer: c.customerName || t('liveView.aCustomer'),
                    channel: t(`channels.${c.channel}`),
                    time: formatDuration(since(c.since, now)),
                  })}{' '}
                  <button
                    type="button"
                    aria-label={t('liveView.readNamed', {
                      customer: c.customerName || t('liveView.aCustomer'),
                      agent: a.name,
                    })}
                    onClick={() => props.onRead(c.conversationId)}
                  >
                    {t('liveView.read')}
                  </button>
                </div>
              ))}
              {a.openEmails > 0 && (
                <div className="muted">{t('liveView.openEmails', { count: a.openEmails })}</div>
              )}
              {a.chats.length === 0 && a.openEmails === 0 && '–'}
            </td>
            <td>{a.handledToday}</td>
            <td>
              <AgentActions agent={a} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Away · Lunch · 3:12", "After-call work · 0:40", "Disconnected since 10:02". */
export function AgentStatus(props: { agent: BoardAgent; now: number }) {
  const { t } = useTranslation();
  const a = props.agent;
  if (!a.connected)
    return (
      <span className="state-disconnected">
        {a.disconnectedSince
          ? t('liveView.disconnectedSince', { time: new Date(a.disconnectedSince).toLocaleTimeString() })
          : t('liveView.neverConnected')}
      </span>
    );
  return (
    <span className={`state-${a.state}`}>
      {stateText(t, a)} · {formatDuration(since(a.stateSince, props.now))}
    </span>
  );
}
