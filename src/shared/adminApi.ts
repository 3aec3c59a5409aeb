import { z } from 'zod';
import { ROLES, type Role } from './sync/entities';

// The app API's calls for managing people and reading the audit log (admins; the relay decides),
// and for changing one's own password. Spread into `apiCalls` in api.ts.

/** A person as the Admin place lists them (from the relay's `GET /v1/admin/agents`). */
export type PersonView = {
  id: string;
  email: string;
  name: string;
  role: Role;
  teams: { id: string; name: string }[];
  disabled: boolean;
  disabledReason: string | null;
  mustChangePassword: boolean;
  lastSignInAt: string | null;
};

/** One line of the relay's audit log. */
export type AuditEntryView = {
  seq: number;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
};

/** Filters of the audit view; times are ISO strings. */
export const auditFiltersSchema = z
  .object({
    actor: z.string().trim().max(254).optional(),
    action: z.string().trim().max(100).optional(),
    since: z.string().datetime().optional(),
    until: z.string().datetime().optional(),
  })
  .strict();
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

type Spec<A extends z.ZodType, R> = { args: A; result?: R };
const call =
  <R>() =>
  <A extends z.ZodType>(args: A): Spec<A, R> => ({ args });
const id = z.string().uuid();
const password = z.string().min(8).max(1024);

export const adminCalls = {
  /** Changes the signed-in person's own password (relay; other devices are signed out). */
  'account:changePassword': call<{ changed: true }>()(
    z.object({ currentPassword: z.string().min(1).max(1024), newPassword: password }).strict(),
  ),
  /** Everyone on the relay, and every team to choose from (admins; needs the network). */
  'admin:listPeople': call<{ people: PersonView[]; teams: { id: string; name: string }[] }>()(
    z.object({}).strict(),
  ),
  'admin:createPerson': call<PersonView>()(
    z
      .object({
        email: z.string().email().max(254),
        name: z.string().trim().min(1).max(200),
        role: z.enum(ROLES),
        password,
        teamIds: z.array(id).max(50),
      })
      .strict(),
  ),
  /** Disabling ends the person's sessions at once, with the reason shown to them. */
  'admin:setDisabled': call<PersonView>()(
    z
      .object({ agentId: id, disabled: z.boolean(), reason: z.string().trim().min(1).max(500).optional() })
      .strict(),
  ),
  /** Sets a temporary password (answered once) that the person must change at the next sign-in. */
  'admin:resetPassword': call<{ temporaryPassword: string }>()(z.object({ agentId: id }).strict()),
  'admin:setRole': call<PersonView>()(z.object({ agentId: id, role: z.enum(ROLES) }).strict()),
  'admin:setTeams': call<PersonView>()(z.object({ agentId: id, teamIds: z.array(id).max(50) }).strict()),
  /** A page of the audit log, newest first; pass `cursor` from the last page for older lines. */
  'admin:audit': call<{ entries: AuditEntryView[]; nextCursor: number | null }>()(
    auditFiltersSchema.extend({ cursor: z.number().int().positive().optional() }).strict(),
  ),
  /** The whole filtered audit log as CSV text, to save as a file. */
  'admin:auditCsv': call<{ name: string; csv: string }>()(auditFiltersSchema),
} as const;
