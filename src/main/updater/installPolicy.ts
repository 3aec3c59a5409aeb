/** What the app knows when deciding whether a downloaded update may install now. */
export type InstallContext = {
  /** A call is ringing, live or on hold. */
  inCall: boolean;
  /** Changes waiting in the outbox: installing would risk them. */
  pendingOutbox: number;
  /** The agent pressed "Restart and update". */
  agentRequested: boolean;
  /** Milliseconds since the agent last used keyboard or mouse. */
  idleMs: number;
  now: Date;
  /** IT's deadline from the signed feed, if any. */
  deadline: Date | null;
};

export type InstallDecision =
  | { install: true; reason: 'agent-requested' | 'idle' | 'deadline-idle' }
  | { install: false; reason: 'in-call' | 'outbox-not-empty' | 'agent-active' | 'waiting-for-agent' };

/** How long without input counts as an idle moment. Default 10 minutes. */
export const DEFAULT_IDLE_MS = 10 * 60_000;

/**
 * Never during a call and never with unsent changes, whatever the deadline. Otherwise: when the
 * agent asks; at an idle moment when `installWhenIdle` (the default) or once IT's deadline passed.
 */
export function decideInstall(
  ctx: InstallContext,
  opts: { idleMs?: number; installWhenIdle?: boolean } = {},
): InstallDecision {
  if (ctx.inCall) return { install: false, reason: 'in-call' };
  if (ctx.pendingOutbox > 0) return { install: false, reason: 'outbox-not-empty' };
  if (ctx.agentRequested) return { install: true, reason: 'agent-requested' };
  const idle = ctx.idleMs >= (opts.idleMs ?? DEFAULT_IDLE_MS);
  const pastDeadline = ctx.deadline !== null && ctx.now.getTime() >= ctx.deadline.getTime();
  if (pastDeadline)
    return idle ? { install: true, reason: 'deadline-idle' } : { install: false, reason: 'agent-active' };
  if (opts.installWhenIdle ?? true)
    return idle ? { install: true, reason: 'idle' } : { install: false, reason: 'agent-active' };
  return { install: false, reason: 'waiting-for-agent' };
}
