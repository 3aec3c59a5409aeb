import type { Migration } from './migration';

/**
 * Profiles merged into another, by target: a profile's timeline includes the conversations and
 * calls of the profiles merged into it (before the relay has moved them, and calls for good).
 * Partial: only merged customers are in it, so it costs nothing for the rest.
 */
export const migration005: Migration = {
  version: 5,
  name: 'merged customers',
  sql: `
    CREATE INDEX IF NOT EXISTS customers_merged_into ON records (json_extract(data, '$.mergedInto'), entity)
      WHERE json_extract(data, '$.mergedInto') IS NOT NULL;
  `,
};
