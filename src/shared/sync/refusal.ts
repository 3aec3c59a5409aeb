import type { RelayErrorCode } from './protocol';

/**
 * An expected refusal raised by the sync core (a mutation's arguments break a domain rule, a value
 * nests too deep to encode): the relay answers it with `code`, the app shows `message` before
 * anything is written. Apart from bugs, which are plain errors.
 */
export class SyncRefusal extends Error {
  constructor(
    readonly code: RelayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncRefusal';
  }
}
