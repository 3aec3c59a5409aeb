import { useEffect, useRef, useState } from 'react';
import type { CallArgs } from '../../../shared/api';
import type { ConversationView } from '../../../shared/views';
import { useApi, useRoot } from '../../app/context';
import { pagesOf, type RowRange } from './virtualWindow';

/** Rows per `conversations:list` call. */
export const PAGE_ROWS = 50;
/** Pages kept beyond those in view (so scrolling back does not refetch at once). */
const MAX_CACHED_PAGES = 40;

export type ConversationFilters = Omit<CallArgs<'conversations:list'>, 'offset' | 'limit'>;
type Page = { items: ConversationView[]; version: number };
type Snapshot = {
  key: string;
  total: number | null;
  totalVersion: number;
  pages: ReadonlyMap<number, Page>;
  error: string | null;
};
const NO_PAGES: ReadonlyMap<number, Page> = new Map();
const empty = (key: string): Snapshot => ({
  key,
  total: null,
  totalVersion: -1,
  pages: NO_PAGES,
  error: null,
});

export type ConversationWindow = {
  /** Length of the whole filtered list; null until the first answer. */
  total: number | null;
  /** The conversation at row `index`, or null while its page is loading. */
  rowAt: (index: number) => ConversationView | null;
  error: string | null;
};

/** Keeps the pages in view, those of the latest data version, and at most MAX_CACHED_PAGES. */
function prune(pages: Map<number, Page>, wanted: readonly number[], version: number): void {
  for (const [p, page] of pages) if (page.version < version && !wanted.includes(p)) pages.delete(p);
  if (pages.size <= MAX_CACHED_PAGES) return;
  const mid = wanted[0] ?? 0;
  const far = [...pages.keys()]
    .filter((p) => !wanted.includes(p))
    .sort((a, b) => Math.abs(b - mid) - Math.abs(a - mid));
  for (const p of far.slice(0, pages.size - MAX_CACHED_PAGES)) pages.delete(p);
}

/**
 * The inbox list as pages fetched from main on demand: the pages that hold `range` (the rows in
 * the DOM), and the list's total. On `data:changed` the pages in view are fetched again while the
 * old rows stay shown, so the list never blanks and its scroll position is kept; pages out of view
 * from before the change are dropped. The first page asked after a change also brings the total. New `filters` start an empty cache. `refresh` does the same
 * as a data change.
 */
export function useConversationWindow(
  filters: ConversationFilters,
  range: RowRange,
  /** Raise it to fetch the pages in view again without a data change (time-based filters). */
  refresh = 0,
): ConversationWindow {
  const api = useApi();
  // Both only grow, so their sum orders answers as either does.
  const version = useRoot((s) => s.dataVersion) + refresh;
  const key = JSON.stringify(filters);
  const [snap, setSnap] = useState<Snapshot>(() => empty(key));
  const current = snap.key === key ? snap : null;
  const pages = current?.pages ?? NO_PAGES;
  // Requests on their way (filters#page → data version), the filters and pages wanted now.
  const inFlight = useRef(new Map<string, number>());
  const latest = useRef({ key, wanted: [0] });
  // The filters and data version whose total was asked for: counting the whole filtered list is
  // the costly part of a page, so only the first page asked after a change of either counts.
  const counted = useRef({ key: '', version: -1 });

  useEffect(() => {
    const wanted = pagesOf(range, PAGE_ROWS);
    // Before the total is known (or when the list is empty) page 0 brings the count.
    if (wanted.length === 0) wanted.push(0);
    latest.current = { key, wanted };
    const base = (s: Snapshot): Snapshot | null =>
      s.key === key ? s : latest.current.key === key ? empty(key) : null;
    for (const p of wanted) {
      if (pages.get(p)?.version === version) continue;
      const flight = `${key}#${p}`;
      if (inFlight.current.get(flight) === version) continue;
      inFlight.current.set(flight, version);
      const done = () => {
        if (inFlight.current.get(flight) === version) inFlight.current.delete(flight);
      };
      const count = counted.current.key !== key || counted.current.version !== version;
      if (count) counted.current = { key, version };
      const args = {
        ...(JSON.parse(key) as ConversationFilters),
        offset: p * PAGE_ROWS,
        limit: PAGE_ROWS,
        count,
      };
      api.call('conversations:list', args).then(
        (r) => {
          done();
          setSnap((s) => {
            const b = base(s);
            if (!b || (b.pages.get(p)?.version ?? -1) > version) return s;
            const next = new Map(b.pages).set(p, { items: r.items, version });
            prune(next, latest.current.wanted, version);
            const fresher = r.total !== null && b.totalVersion <= version;
            return {
              key,
              pages: next,
              total: fresher ? r.total : b.total,
              totalVersion: fresher ? version : b.totalVersion,
              error: null,
            };
          });
        },
        (err: unknown) => {
          done();
          const error = err instanceof Error ? err.message : String(err);
          setSnap((s) => {
            const b = base(s);
            return b ? { ...b, error } : s;
          });
        },
      );
    }
  }, [api, key, version, range, pages]);

  return {
    total: current?.total ?? null,
    rowAt: (i) => pages.get(Math.floor(i / PAGE_ROWS))?.items[i % PAGE_ROWS] ?? null,
    error: current?.error ?? null,
  };
}
