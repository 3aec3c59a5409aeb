// The worker side of bench/lib/procs.mjs forkWorker(): one command at a time over IPC.

type Handler = (msg: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Answers `{cmd, ...}` messages with `{ok: true, ...result}` or `{error}`; exits when the parent goes. */
export function serve(handlers: Record<string, Handler>): void {
  process.on('message', (m: Record<string, unknown>) => {
    const h = handlers[String(m['cmd'])];
    if (!h) return void process.send?.({ error: `unknown command ${String(m['cmd'])}` });
    h(m).then(
      (r) => process.send?.({ ok: true, ...r }),
      (err: unknown) =>
        process.send?.({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** A progress line for the bench's stderr. */
export const progress = (s: string): void => void process.send?.({ progress: s });

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves when `cond` holds (checked every `everyMs`), rejects after `timeoutMs`. */
export async function until(
  cond: () => boolean,
  timeoutMs: number,
  what: string,
  everyMs = 5,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
