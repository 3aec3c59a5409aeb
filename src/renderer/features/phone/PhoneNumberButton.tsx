import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';

/**
 * Click-to-dial: a phone number shown in the app, as a button. With the softphone registered the
 * click places the call (the click is the agent's intent); otherwise it fills the dial pad and opens
 * the phone view to connect first. A customer's number names them (`customerId`), so the call and
 * its conversation are theirs even when another profile shares the number.
 */
export function PhoneNumberButton(props: { number: string; customerId?: string }) {
  const { t } = useTranslation();
  const ctl = useRoot((s) => s.phoneCtl);
  const registered = useRoot((s) => s.registration === 'registered');
  const setDialNumber = useRoot((s) => s.setDialNumber);
  const setView = useRoot((s) => s.setView);
  return (
    <button
      type="button"
      className="link phone-number"
      aria-label={t('phone.callNumber', { number: props.number })}
      onClick={() => {
        setDialNumber(props.number, props.customerId);
        if (registered && ctl) ctl.dial(props.number, props.customerId);
        else setView('phone');
      }}
    >
      {props.number}
    </button>
  );
}
