import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../ui/EmptyState';
import { ViewHeader } from '../../ui/ViewHeader';

export function InboxView(props: { headingRef: React.Ref<HTMLHeadingElement> }) {
  const { t } = useTranslation();
  return (
    <section className="view">
      <ViewHeader title={t('inbox.title')} ref={props.headingRef} />
      <EmptyState text={t('inbox.empty')} />
    </section>
  );
}
