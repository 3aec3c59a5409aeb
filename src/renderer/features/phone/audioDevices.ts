import type { AudioDevicePrefs, DevicePref } from '../../../shared/settings';

/**
 * Audio device selection, pure: which device to use for each role given the agent's choice and
 * the devices present now. A chosen device that disappears (a headset unplugged) falls back to the
 * system default; when it comes back (same id, or same label under a new id) it is used again.
 */

export type AudioRole = keyof AudioDevicePrefs;
export const AUDIO_ROLES: AudioRole[] = ['input', 'output', 'ring'];

/** The fields of MediaDeviceInfo this needs. */
export type DeviceLike = { deviceId: string; kind: string; label: string };

export type DeviceOption = { id: string; label: string };

/** `deviceId` '' means the system default. `missing`: the chosen device is not present now. */
export type ResolvedDevice = { deviceId: string; missing: boolean };

const kindOf = (role: AudioRole) => (role === 'input' ? 'audioinput' : 'audiooutput');
/** Chromium lists the default and communications devices as pseudo-devices with these ids. */
const PSEUDO = new Set(['default', 'communications', '']);

/** The devices a role can choose from, labelled (unlabelled ones, before permission, numbered). */
export function deviceOptions(devices: DeviceLike[], role: AudioRole): DeviceOption[] {
  const seen = new Set<string>();
  const out: DeviceOption[] = [];
  for (const d of devices) {
    if (d.kind !== kindOf(role) || PSEUDO.has(d.deviceId) || seen.has(d.deviceId)) continue;
    seen.add(d.deviceId);
    out.push({ id: d.deviceId, label: d.label || `${kindOf(role)} ${out.length + 1}` });
  }
  return out;
}

/** The device to use now for one role. */
export function resolveDevice(
  pref: DevicePref | null,
  devices: DeviceLike[],
  role: AudioRole,
): ResolvedDevice {
  if (!pref) return { deviceId: '', missing: false };
  const options = deviceOptions(devices, role);
  const byId = options.find((o) => o.id === pref.id);
  if (byId) return { deviceId: byId.id, missing: false };
  const byLabel = pref.label ? options.find((o) => o.label === pref.label) : undefined;
  if (byLabel) return { deviceId: byLabel.id, missing: false };
  return { deviceId: '', missing: true };
}

export type ResolvedDevices = Record<AudioRole, ResolvedDevice>;

export function resolveDevices(prefs: AudioDevicePrefs, devices: DeviceLike[]): ResolvedDevices {
  return {
    input: resolveDevice(prefs.input, devices, 'input'),
    output: resolveDevice(prefs.output, devices, 'output'),
    ring: resolveDevice(prefs.ring, devices, 'ring'),
  };
}

/** The roles whose device to use changed between two resolutions (what to re-apply). */
export function changedRoles(before: ResolvedDevices | null, after: ResolvedDevices): AudioRole[] {
  return AUDIO_ROLES.filter((r) => !before || before[r].deviceId !== after[r].deviceId);
}

/** The preference to store for a device picked from the options ('' picks the default). */
export function prefFor(options: DeviceOption[], id: string): DevicePref | null {
  const o = options.find((x) => x.id === id);
  return o ? { id: o.id, label: o.label } : null;
}
