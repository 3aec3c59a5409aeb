import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';

export function InboxView() {
  const { t } = useTranslation();
  return (
    <section className="view">
      <ViewHeader title={t('inbox.title')} />
      <EmptyState text={t('inbox.empty')} />
    </section>
  );
}
