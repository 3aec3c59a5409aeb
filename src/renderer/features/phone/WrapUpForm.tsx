import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { DEFAULT_DISPOSITIONS } from '../../../shared/phone';
import { useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { useTicker } from '../../ui/useTicker';
import { formatDuration } from './CallPanel';

type Acw = { since: number; limitSec: number };

/** After-call work: a disposition code and a note complete the call record. */
export function WrapUpForm() {
  const { t } = useTranslation();
  const w = useRoot((s) => s.wrapUps[0] ?? null);
  const ctl = useRoot((s) => s.phoneCtl);
  const { disposition, note, name } = useRoot(useShallow((s) => s.wrapDraft));
  const acw = useRoot((s) => s.acw);
  const now = useTicker(acw !== null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!w) return null;
  const c = w.call;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await ctl?.wrapUp(disposition, note.trim(), name.trim() || undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="wrap-up card"
      aria-label={t('wrapUp.title')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>{t('wrapUp.title')}</h2>
      {acw && <AcwTimer acw={acw} now={now} />}
      <p>
        {w.number ?? c.remoteUser} · {t(`call.direction.${c.direction}`)} ·{' '}
        {formatDuration((c.endedAt ?? c.startedAt) - (c.answeredAt ?? c.startedAt))}
      </p>
      <WrapUpFields askName={w.customerId === null} />
      <button type="submit" disabled={!disposition || busy}>
        {t('wrapUp.save')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}

/** Time spent in after-call work, against its limit if the team set one. */
function AcwTimer({ acw, now }: { acw: Acw; now: number }) {
  const { t } = useTranslation();
  const spent = formatDuration(now - acw.since);
  return (
    <p role="timer" aria-label={t('wrapUp.acwLabel')} className="acw-timer">
      {acw.limitSec > 0
        ? t('wrapUp.acwOf', { spent, limit: formatDuration(acw.limitSec * 1000) })
        : t('wrapUp.acw', { spent })}
    </p>
  );
}

/** The disposition, a name for a caller not yet a customer (`askName`), and the note: kept as a draft. */
function WrapUpFields({ askName }: { askName: boolean }) {
  const { t } = useTranslation();
  const configured = useRoot(useShallow((s) => s.dispositions));
  const codes = configured.length > 0 ? configured : [...DEFAULT_DISPOSITIONS];
  const { disposition, note, name } = useRoot(useShallow((s) => s.wrapDraft));
  const setDraft = useRoot((s) => s.setWrapDraft);
  const ids = { disp: useId(), note: useId(), name: useId() };
  return (
    <>
      <div className="field">
        <label htmlFor={ids.disp}>{t('wrapUp.disposition')}</label>
        <select
          id={ids.disp}
          required
          value={disposition}
          onChange={(e) => setDraft({ disposition: e.target.value })}
        >
          <option value="">{t('wrapUp.choose')}</option>
          {codes.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      {askName && (
        <div className="field">
          <label htmlFor={ids.name}>{t('wrapUp.newCustomerName')}</label>
          <input
            id={ids.name}
            value={name}
            maxLength={200}
            onChange={(e) => setDraft({ name: e.target.value })}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={ids.note}>{t('wrapUp.note')}</label>
        <textarea
          id={ids.note}
          value={note}
          maxLength={20000}
          rows={3}
          onChange={(e) => setDraft({ note: e.target.value })}
        />
      </div>
    </>
  );
}
