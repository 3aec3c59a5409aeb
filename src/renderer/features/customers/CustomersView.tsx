import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';

export function CustomersView() {
  const { t } = useTranslation();
  return (
    <section className="view">
      <ViewHeader title={t('customers.title')} />
      <EmptyState text={t('customers.empty')} />
    </section>
  );
}
