import { LOCAL_ERR, LocalError } from '../base/errors';

/** The error for an id this workstation's cache does not hold ("This customer is not in ..."). */
export const notFound = (what: string) =>
  new LocalError(LOCAL_ERR.INVALID_MUTATION, `${what} is not in this workstation's data.`);
