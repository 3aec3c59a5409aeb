import { useTranslation } from 'react-i18next';
import type { BoardAccess } from '../../../shared/supervisor';

/**
 * Says that the live board lost some or all of what it showed (a team taken away, the role
 * changed), what that means for the figures on screen, and what to do about it. Props only, so
 * the live view and the wallboard show the same words.
 */
export function BoardAccessNotice(props: { lost: BoardAccess | null; onDismiss?: (() => void) | undefined }) {
  const { t } = useTranslation();
  const { lost } = props;
  if (!lost) return null;
  const text = lost.ended
    ? t('liveView.accessLostEnded')
    : lost.reason === 'role'
      ? t('liveView.accessLostNarrowed')
      : t('liveView.accessLostTeams', { teams: lost.teams.map((x) => x.name).join(', ') });
  return (
    <div role="alert" className="live-access-lost">
      <p>{text}</p>
      {props.onDismiss && (
        <button type="button" onClick={props.onDismiss}>
          {t('liveView.accessLostDismiss')}
        </button>
      )}
    </div>
  );
}
