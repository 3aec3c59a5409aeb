import type { TFunction } from 'i18next';

/** How long the agent has been in a status, as the header shows it ("12 min", "1 h 5 min"). */
export function timeInStatus(t: TFunction, since: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (minutes < 60) return t('agent.minutes', { count: minutes });
  return t('agent.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}
