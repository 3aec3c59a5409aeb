import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * The relay's SLA and snooze timer (relay/sla/timers.ts) asks each tick for the conversations
 * whose wake time or due time has come: a range scan of these expression indexes, not of every
 * conversation.
 */
export const migration010 = {
  version: 10,
  name: 'sla and snooze timer indexes',
  up(db: Database): void {
    db.exec(`
      CREATE INDEX records_conv_snoozed_until ON records (json_extract(data, '$.snoozedUntil'))
        WHERE entity = 'conversation';
      CREATE INDEX records_conv_first_response_due ON records (json_extract(data, '$.slaFirstResponseDueAt'))
        WHERE entity = 'conversation';
      CREATE INDEX records_conv_resolution_due ON records (json_extract(data, '$.slaResolutionDueAt'))
        WHERE entity = 'conversation';
    `);
  },
};
