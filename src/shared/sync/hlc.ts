// Hybrid logical clock (Kulkarni et al.): wall time in ms, a counter, and the node id, encoded
// so that plain string comparison orders clocks. `000001763856000000:00000:device-1`.

export type Hlc = string;

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 5;
const MAX_COUNTER = 99_999;

export type HlcParts = { wall: number; counter: number; node: string };

/** Encodes clock parts; `node` must not contain ':' (device or relay id). */
export function encodeHlc(p: HlcParts): Hlc {
  return `${String(p.wall).padStart(WALL_DIGITS, '0')}:${String(p.counter).padStart(COUNTER_DIGITS, '0')}:${p.node}`;
}

/** Decodes a clock; throws on anything malformed. */
export function decodeHlc(h: Hlc): HlcParts {
  const m = /^(\d{15}):(\d{5}):([A-Za-z0-9_.-]{1,64})$/.exec(h);
  if (!m) throw new Error(`malformed clock "${String(h).slice(0, 40)}"`);
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3]! };
}

export function isHlc(h: unknown): h is Hlc {
  return typeof h === 'string' && /^\d{15}:\d{5}:[A-Za-z0-9_.-]{1,64}$/.test(h);
}

/** A clock for one node: `now()` for local events, `receive()` to move past a remote clock. */
export class HlcClock {
  private last: HlcParts;
  constructor(
    private readonly node: string,
    private readonly wallClock: () => number = Date.now,
  ) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(node)) throw new Error('HLC node id must match [A-Za-z0-9_.-]{1,64}');
    this.last = { wall: 0, counter: 0, node };
  }

  now(): Hlc {
    const wall = Math.max(this.wallClock(), this.last.wall);
    const counter = wall === this.last.wall ? this.last.counter + 1 : 0;
    return this.commit(wall, counter);
  }

  /** Advances past `remote` (call on every clock received), returning a fresh local clock. */
  receive(remote: Hlc): Hlc {
    const r = decodeHlc(remote);
    const phys = this.wallClock();
    const wall = Math.max(phys, this.last.wall, r.wall);
    let counter: number;
    if (wall === this.last.wall && wall === r.wall) counter = Math.max(this.last.counter, r.counter) + 1;
    else if (wall === this.last.wall) counter = this.last.counter + 1;
    else if (wall === r.wall) counter = r.counter + 1;
    else counter = 0;
    return this.commit(wall, counter);
  }

  private commit(wall: number, counter: number): Hlc {
    if (counter > MAX_COUNTER) {
      wall += 1;
      counter = 0;
    }
    this.last = { wall, counter, node: this.node };
    return encodeHlc(this.last);
  }
}
