import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createOutboxWorker, retryWait } from './outbox';

/** A logger that keeps what it was told. */
function memoryLog() {
  const lines: { msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as { msg: string }) });
  return { log, lines };
}

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('outbox core', () => {
  it('waits nothing before the first attempt, then doubles to the cap, half of it jitter', () => {
    expect(retryWait(0, { retryMs: 100 })).toBe(0);
    expect([1, 2, 3, 4].map((n) => retryWait(n, { retryMs: 100 }))).toEqual([100, 200, 400, 800]);
    expect(retryWait(10, { retryMs: 100, maxRetryMs: 500 })).toBe(500);
    expect(retryWait(2, { retryMs: 100, random: () => 0 })).toBe(100);
    expect(retryWait(2, { retryMs: 100, random: () => 0.5 })).toBe(150);
  });

  it('runs one pass at a time: a kick during a pass asks for one more right after', async () => {
    const { log } = memoryLog();
    const rows = ['a', 'b'];
    const seen: string[] = [];
    const first = gate();
    const done = gate();
    let passes = 0;
    const w = createOutboxWorker<string>({
      log,
      what: 'test outbox',
      now: () => 0,
      due: () => (++passes <= 2 ? rows : []),
      visit: async (r) => {
        seen.push(`${passes}:${r}`);
        if (seen.length === 1) await first.opened;
        if (passes === 2 && r === 'b') done.open();
      },
    });
    w.kick();
    w.kick(); // during the first pass: does not start a second one beside it
    first.open();
    await done.opened;
    expect(seen).toEqual(['1:a', '1:b', '2:a', '2:b']);
    w.close();
  });

  it('logs a failed pass and runs the next kick as usual; close stops before the next row', async () => {
    const { log, lines } = memoryLog();
    const seen: string[] = [];
    let fail = true;
    const second = gate();
    const w = createOutboxWorker<string>({
      log,
      what: 'test outbox',
      now: () => 0,
      due: () => ['a', 'b'],
      visit: async (r) => {
        seen.push(r);
        if (fail) throw new Error('boom');
        if (r === 'a') {
          w.close();
          second.open();
        }
      },
    });
    w.kick();
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toContain('test outbox failed');
    fail = false;
    w.kick();
    await second.opened;
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['a', 'a']);
    expect(w.isClosed()).toBe(true);
  });
});
