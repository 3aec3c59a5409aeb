import type { Entity } from '../../shared/sync/entities';
import { stmt, type Db } from './statements';

// One fixed locale for text and queries alike, so both split the same way. ICU's dictionary
// segmentation handles Simplified and Traditional Chinese and falls back to word boundaries
// for Latin scripts.
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Splits text into space-separated words (Chinese included) for FTS5's unicode61 tokenizer. */
export function segmentWords(text: string): string {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out.join(' ');
}

/**
 * Turns what a person typed into an FTS5 query: every word must appear, each as a quoted prefix,
 * so operators and quotes in the input are never interpreted. Empty when nothing is searchable.
 */
export function toFtsQuery(input: string): string {
  const words = segmentWords(input.normalize('NFKC')).split(' ').filter(Boolean);
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
}

export const SEARCHABLE: ReadonlySet<Entity> = new Set(['customer', 'message', 'note']);

type Columns = { name: string; phones: string; emails: string; company: string; body: string };

// Printable ASCII needs no dictionary segmentation: unicode61 splits it into the same tokens as
// segmentWords' output, and Intl.Segmenter is the costliest step of indexing a synced record.
const NEEDS_SEGMENTER = /[^\t\n\r -~]/;
const indexWords = (text: string) => (NEEDS_SEGMENTER.test(text) ? segmentWords(text) : text);

function columnsOf(entity: Entity, data: Record<string, unknown>): Columns {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (entity === 'customer') {
    // Phones are indexed as written and without '+', so "8613800" and "+86 138" both find them.
    const phones = list(data['phones']).map((p) => `${p} ${p.replace(/\D/g, '')}`);
    return {
      name: indexWords(str(data['name'])),
      phones: indexWords(phones.join(' ')),
      emails: indexWords(list(data['emails']).join(' ')),
      company: indexWords(str(data['company'])),
      body: '',
    };
  }
  return { name: '', phones: '', emails: '', company: '', body: indexWords(str(data['body'])) };
}

/** Keeps the search index of one record in step with its current state (call inside the write's transaction). */
export function reindex(
  db: Db,
  rowid: number | bigint,
  entity: Entity,
  data: Record<string, unknown> | null,
): void {
  if (!SEARCHABLE.has(entity)) return;
  stmt(db, 'DELETE FROM search WHERE rowid = ?').run(rowid);
  if (!data) return;
  const c = columnsOf(entity, data);
  stmt(db, 'INSERT INTO search (rowid, name, phones, emails, company, body) VALUES (?, ?, ?, ?, ?, ?)').run(
    rowid,
    c.name,
    c.phones,
    c.emails,
    c.company,
    c.body,
  );
}

/**
 * Adds up to `limit` records of the backlog (rowid >= from) to the search index, from their current
 * data; returns the next rowid to index, or null when the backlog is done. Re-indexing a row twice
 * is harmless (delete, then insert).
 */
export function indexBacklog(db: Db, from: number, limit: number): number | null {
  const rows = stmt(
    db,
    'SELECT rowid, entity, data, deleted FROM records WHERE rowid >= ? ORDER BY rowid LIMIT ?',
  ).all(from, limit) as { rowid: number; entity: Entity; data: string | null; deleted: number }[];
  for (const r of rows) {
    const data = r.data !== null && r.deleted === 0 ? (JSON.parse(r.data) as Record<string, unknown>) : null;
    reindex(db, r.rowid, r.entity, data);
  }
  return rows.length < limit ? null : rows.at(-1)!.rowid + 1;
}
