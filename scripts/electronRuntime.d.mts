/** Finds an installed Electron binary, or explains why there is none. */
export function findElectron(): { path: string } | { missing: string };
