import { Mail } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormDialog } from '../../ui/FormDialog';
import { StartEmail } from './StartEmail';

/**
 * Write an email from a customer's profile: a button opening the form in a dialog, where its
 * fields have a readable width; once the first mail is queued the dialog closes and the profile
 * says where the conversation is.
 */
export function WriteEmail(props: { customerId: string; addresses: readonly string[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState(false);
  return (
    <div className="write-email">
      <button
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => {
          setSent(false);
          setOpen(true);
        }}
      >
        <Mail size={16} aria-hidden="true" /> {t('customers.startEmail.title')}
      </button>
      <p role="status" className="item-sub">
        {sent ? t('customers.startEmail.sent') : ''}
      </p>
      <FormDialog
        open={open}
        title={t('customers.startEmail.title')}
        closeLabel={t('customers.startEmail.close')}
        onClose={() => setOpen(false)}
      >
        <StartEmail
          customerId={props.customerId}
          addresses={props.addresses}
          heading={false}
          onStarted={() => {
            setOpen(false);
            setSent(true);
          }}
        />
      </FormDialog>
    </div>
  );
}
