import { z } from 'zod';

// What every domain file of the app API builds its calls with.

/** One call of the app API: the zod schema of its argument and (as a type only) its answer. */
export type CallSpec<A extends z.ZodType, R> = { args: A; result?: R };

/** `call<Answer>()(argsSchema)`: a call whose answer type is given and whose argument is checked. */
export const call =
  <R>() =>
  <A extends z.ZodType>(args: A): CallSpec<A, R> => ({ args });

export const noArgs = z.object({}).strict();
export const id = z.string().uuid();
/** One window of a long list. */
export const page = {
  limit: z.number().int().min(1).max(500).optional(),
  offset: z.number().int().min(0).optional(),
};
