import type { Migration } from './migration';

// Released: never edit. Add a new numbered file instead.
export const migration002: Migration = {
  version: 2,
  name: 'customer phone lookup, calls by customer',
  sql: `
    -- Screen-pop: caller number (E.164) to customer in one index probe. Kept in step with the
    -- customers' current state by triggers, so every write path (sync, snapshot, rebase, local
    -- mutation) maintains it without knowing about it.
    CREATE TABLE customer_phones (
      phone TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      PRIMARY KEY (phone, customer_id)
    ) WITHOUT ROWID;
    CREATE INDEX customer_phones_by_customer ON customer_phones (customer_id);

    CREATE TRIGGER customer_phones_insert AFTER INSERT ON records
    WHEN NEW.entity = 'customer' AND NEW.data IS NOT NULL AND NEW.deleted = 0
    BEGIN
      INSERT OR IGNORE INTO customer_phones (phone, customer_id)
        SELECT value, NEW.id FROM json_each(NEW.data, '$.phones') WHERE type = 'text';
    END;
    CREATE TRIGGER customer_phones_update AFTER UPDATE OF data, deleted ON records
    WHEN NEW.entity = 'customer'
    BEGIN
      DELETE FROM customer_phones WHERE customer_id = NEW.id;
      INSERT OR IGNORE INTO customer_phones (phone, customer_id)
        SELECT value, NEW.id FROM json_each(NEW.data, '$.phones')
        WHERE NEW.data IS NOT NULL AND NEW.deleted = 0 AND type = 'text';
    END;
    CREATE TRIGGER customer_phones_delete AFTER DELETE ON records
    WHEN OLD.entity = 'customer'
    BEGIN
      DELETE FROM customer_phones WHERE customer_id = OLD.id;
    END;
    INSERT OR IGNORE INTO customer_phones (phone, customer_id)
      SELECT j.value, r.id FROM records r, json_each(r.data, '$.phones') j
      WHERE r.entity = 'customer' AND r.data IS NOT NULL AND r.deleted = 0 AND j.type = 'text';

    -- A customer's calls, newest first, whatever conversation they belong to.
    CREATE INDEX records_calls_by_customer ON records (json_extract(data, '$.customerId'), sort_at)
      WHERE entity = 'call';
  `,
};
