// Staged rollout: the same answer as electron-updater's own `isStagingMatch`, so the relay's
// simulation, our check and electron-updater never disagree about an install.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when the install with this stable id (a UUID kept in the app's data folder) is inside a
 * rollout of `percentage` (0–100). Reads the id's last four bytes as a fraction of 2^32-1.
 */
export function isInRollout(installId: string, percentage: number | undefined): boolean {
  if (percentage === undefined || percentage >= 100) return true;
  if (!(percentage > 0)) return false;
  if (!UUID.test(installId)) throw new Error('install id must be a UUID');
  const hex = installId.replace(/-/g, '').slice(24, 32);
  return parseInt(hex, 16) / 0xffffffff < percentage / 100;
}
