import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';

/** Default of `maxJsonDepth`: far deeper than any of the relay's own shapes (about 8 levels). */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, counted in one pass over the
 * text without parsing or recursion, so even a frame of 500,000 brackets is refused cheaply
 * before anything recursive (zod, canonical JSON, JSON.stringify) walks it.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Parses JSON input of a client (a request body, a socket frame) after checking its depth.
 * Throws RELAY_ERR_TOO_DEEP past `maxDepth` levels and RELAY_ERR_BAD_FRAME for text that is not
 * JSON; `what` names the input in the message ("The request body").
 */
export function parseJsonInput(text: string, maxDepth: number, what: string): unknown {
  if (nestsDeeperThan(text, maxDepth))
    throw new RelayError(RELAY_ERR.TOO_DEEP, `${what} nests deeper than ${maxDepth} levels.`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RelayError(RELAY_ERR.BAD_FRAME, `${what} is not valid JSON.`);
  }
}
