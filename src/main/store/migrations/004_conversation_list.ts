import type { Migration } from './migration';

// Released: never edit. Add a new numbered file instead.
export const migration004: Migration = {
  version: 4,
  name: 'inbox list index',
  sql: `
    -- The inbox list at 100,000 conversations: activity order (sort_at, id) plus every field the
    -- list filters on, so counting the filtered list and skipping to any window of it read this
    -- index alone, never the JSON of each row. Partial: only live conversations.
    CREATE INDEX IF NOT EXISTS conversations_by_activity ON records (
      sort_at, id,
      json_extract(data, '$.status'),
      json_extract(data, '$.channel'),
      coalesce(json_extract(data, '$.assigneeId'), ''),
      json_extract(data, '$.teamId'),
      json_extract(data, '$.slaDueAt'),
      json_extract(data, '$.labels')
    ) WHERE entity = 'conversation' AND data IS NOT NULL AND deleted = 0;
  `,
};
