import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';

export function SupervisorView() {
  const { t } = useTranslation();
  return (
    <section className="view">
      <ViewHeader title={t('supervisor.title')} />
      <EmptyState text={t('supervisor.empty')} />
    </section>
  );
}
