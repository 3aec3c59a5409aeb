import * as Popover from '@radix-ui/react-popover';
import { ClipboardCheck, Phone } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useRoot } from '../../app/context';
import { ErrorText } from '../../ui/ErrorText';
import { CallCard } from './CallPanel';
import { WrapUpForm } from './WrapUpForm';

/**
 * The call bar: a fixed region of the frame, in every place, so a ringing or live call never
 * moves the work on the page. Idle it says whether the phone can take calls; with calls it holds
 * each call's controls; after a call the wrap-up opens above it.
 */
export function CallBar() {
  const { t } = useTranslation();
  const calls = useRoot(useShallow((s) => s.calls));
  const wrapUp = useRoot((s) => s.wrapUps[0] ?? null);
  const error = useRoot((s) => s.phoneError);
  const acwNotice = useRoot((s) => s.acwNotice);
  const registration = useRoot((s) => s.registration);
  const ringing = calls.some((c) => c.state === 'ringing' && c.direction === 'in');
  return (
    <section className={`callbar${ringing ? ' callbar-ringing' : ''}`} aria-label={t('call.panel')}>
      {calls.length === 0 && !wrapUp && (
        <p className="callbar-idle">
          <Phone size={16} aria-hidden="true" />
          <span>{t(registration === 'registered' ? 'callbar.idleReady' : 'callbar.idleNoPhone')}</span>
        </p>
      )}
      {calls.map((c) => (
        <CallCard key={c.id} call={c} others={calls.filter((o) => o.id !== c.id)} />
      ))}
      {wrapUp && (
        <Popover.Root defaultOpen key={wrapUp.call.id}>
          <Popover.Trigger asChild>
            <button type="button" className="callbar-wrapup">
              <ClipboardCheck size={16} aria-hidden="true" />
              {t('callbar.wrapUp', { who: wrapUp.number ?? wrapUp.call.remoteUser })}
            </button>
          </Popover.Trigger>
          <Popover.Content
            className="popover call-popover"
            side="top"
            align="end"
            sideOffset={8}
            onOpenAutoFocus={(e) => e.preventDefault()}
            onInteractOutside={(e) => e.preventDefault()}
          >
            <WrapUpForm />
          </Popover.Content>
        </Popover.Root>
      )}
      {acwNotice && (
        <p role="status" className="callbar-note">
          {t('call.acwTimedOut')}
        </p>
      )}
      <ErrorText error={error} />
    </section>
  );
}
