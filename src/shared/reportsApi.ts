import type { z } from 'zod';
import { reportQuerySchema, type Report } from './reports/figures';

// The app API's calls for the Supervisor place's reports (supervisors and admins; the relay
// decides the scope). Spread into `apiCalls` in api.ts.

/** A report as the app shows it: fresh from the relay, or the last one fetched when it is out of reach. */
export type ReportAnswer = {
  report: Report;
  /** When these figures were fetched from the relay (ISO). */
  fetchedAt: string;
  /** True when the relay could not be reached and these are the last figures fetched. */
  offline: boolean;
};

type Spec<A extends z.ZodType, R> = { args: A; result?: R };
const call =
  <R>() =>
  <A extends z.ZodType>(args: A): Spec<A, R> => ({ args });

export const reportCalls = {
  /**
   * The relay's report for the range, grouping and bucket; offline, the last figures fetched for
   * the same request (or, failing that, the last report fetched at all), marked `offline`.
   */
  'reports:get': call<ReportAnswer>()(reportQuerySchema),
  /** The same figures as a CSV file from the relay (each export is in its audit log; needs the network). */
  'reports:csv': call<{ name: string; csv: string }>()(reportQuerySchema),
} as const;
