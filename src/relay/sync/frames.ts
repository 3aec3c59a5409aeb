import { clientFrameSchema, RELAY_CLOSE, RELAY_ERR, type ClientFrame } from '../../shared/sync/protocol';
import { describeIssues, RelayError } from '../core/errors';
import { parseJsonInput } from '../http/jsonLimits';
import { fail, shut, type Conn } from './connection';

// Reading one client frame: the rate limit, then JSON (depth-checked), then the frame's shape.
// Each refusal is answered on the connection; before hello, it also closes it.

const FRAME_TYPES: ReadonlySet<string> = new Set(clientFrameSchema.options.map((o) => o.shape.t.value));

export type FrameLimits = {
  rateLimit: { perSecond: number; burst: number };
  /** Deepest nesting of arrays and objects a frame may have. */
  maxJsonDepth: number;
};

/**
 * The frame `text` holds, or null when it was refused (too many frames, not JSON, not a frame;
 * the client is told why). A client past its burst of refused frames is disconnected (4429).
 */
export function readFrame(c: Conn, text: string, o: FrameLimits): ClientFrame | null {
  if (!c.bucket.take()) {
    c.strikes += 1;
    if (c.strikes > o.rateLimit.burst)
      shut(c, RELAY_ERR.RATE_LIMITED, 'Too many frames; slow down.', RELAY_CLOSE.RATE_LIMITED);
    else
      fail(
        c,
        RELAY_ERR.RATE_LIMITED,
        `More than ${o.rateLimit.perSecond} frames per second; this frame was dropped.`,
      );
    return null;
  }
  c.strikes = 0;
  let json: unknown;
  try {
    json = parseJsonInput(text, o.maxJsonDepth, 'The frame');
  } catch (err) {
    const e = err instanceof RelayError ? err : new RelayError(RELAY_ERR.BAD_FRAME, 'Unreadable frame.');
    refuse(c, e.code, e.message, 'The first frame must be a hello in JSON.');
    return null;
  }
  const parsed = clientFrameSchema.safeParse(json);
  if (!parsed.success) {
    const type = (json as { t?: unknown } | null)?.t;
    const msg =
      typeof type === 'string' && !FRAME_TYPES.has(type)
        ? `Unknown frame type "${type.slice(0, 32)}".`
        : `Malformed frame: ${describeIssues(parsed.error.issues)}`;
    refuse(c, RELAY_ERR.BAD_FRAME, msg, 'The first frame must be a hello.');
    return null;
  }
  return parsed.data;
}

/** Answers a refused frame; before hello the connection is closed, with `beforeHello` first. */
function refuse(c: Conn, code: RelayError['code'], message: string, beforeHello: string): void {
  if (!c.principal) shut(c, code, `${beforeHello} ${message}`, RELAY_CLOSE.UNAUTHORIZED);
  else fail(c, code, message);
}
