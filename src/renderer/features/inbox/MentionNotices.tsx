import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MentionNotice } from '../../../shared/api';
import { useApi, useRoot } from '../../app/context';

/** Notices kept on screen at once; older ones give way. */
const MAX_NOTICES = 5;

/**
 * "Li Na mentioned you in Wang Fang: Refund": one notice per note that @mentions the agent (main
 * decides which, see services/mentionNotices.ts), with a button that opens the conversation.
 */
export function MentionNotices() {
  const { t } = useTranslation();
  const api = useApi();
  const openConversation = useRoot((s) => s.openConversation);
  const [notices, setNotices] = useState<MentionNotice[]>([]);
  useEffect(
    () =>
      api.on('inbox:mentioned', (n) =>
        setNotices((all) => (all.some((x) => x.noteId === n.noteId) ? all : [...all, n].slice(-MAX_NOTICES))),
      ),
    [api],
  );
  const dismiss = (noteId: string) => setNotices((all) => all.filter((x) => x.noteId !== noteId));

  return (
    <section className="mention-notices" aria-label={t('mentionNotice.label')} aria-live="polite">
      {notices.map((n) => {
        const where =
          [n.customerName, n.subject].filter((x) => x).join(' · ') || t('mentionNotice.aConversation');
        return (
          <div key={n.noteId} className="mention-notice card">
            <span>
              {t('mentionNotice.text', { author: n.authorName || t('mentionNotice.someone'), where })}
            </span>
            <div className="actions">
              <button
                type="button"
                onClick={() => {
                  openConversation(n.conversationId);
                  dismiss(n.noteId);
                }}
              >
                {t('mentionNotice.open')}
              </button>
              <button type="button" onClick={() => dismiss(n.noteId)}>
                {t('mentionNotice.dismiss')}
              </button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
