import { useTranslation } from 'react-i18next';
import { useRoot } from '../../app/context';
import { ViewHeader } from '../../ui/ViewHeader';
import { AuditLog } from './AuditLog';
import { PeopleAdmin } from './PeopleAdmin';

/** The Admin place: people (create, disable, reset, role, teams) and the audit log. Admins only. */
export function AdminView() {
  const { t } = useTranslation();
  const isAdmin = useRoot((s) => s.session?.agent?.role === 'admin');
  return (
    <section className="view">
      <ViewHeader title={t('admin.title')} />
      {isAdmin ? (
        <>
          <PeopleAdmin />
          <AuditLog />
        </>
      ) : (
        <p>{t('admin.onlyAdmins')}</p>
      )}
    </section>
  );
}

/** The message of a failed call, for a sentence. */
export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
