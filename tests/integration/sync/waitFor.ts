/**
 * Resolves when `cond` holds, checking every `everyMs`; rejects after a generous `timeoutMs` with
 * `what()` in the message, so a hang names what it was waiting for (and the chaos seed).
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: () => string,
  timeoutMs = 30_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
