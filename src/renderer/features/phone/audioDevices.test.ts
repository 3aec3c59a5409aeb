import { describe, expect, it } from 'vitest';
import { changedRoles, deviceOptions, prefFor, resolveDevice, resolveDevices } from './audioDevices';

const mic = (id: string, label: string) => ({ deviceId: id, kind: 'audioinput', label });
const out = (id: string, label: string) => ({ deviceId: id, kind: 'audiooutput', label });
const base = [
  mic('default', 'Default - Built-in mic'),
  mic('m1', 'Built-in mic'),
  mic('m2', 'Headset mic'),
  out('default', 'Default - Speakers'),
  out('o1', 'Speakers'),
  out('o2', 'Headset'),
];

describe('audio device selection', () => {
  it('lists real devices of the role, without the default pseudo-devices, numbering unlabelled ones', () => {
    expect(deviceOptions(base, 'input')).toEqual([
      { id: 'm1', label: 'Built-in mic' },
      { id: 'm2', label: 'Headset mic' },
    ]);
    expect(deviceOptions(base, 'ring').map((o) => o.id)).toEqual(['o1', 'o2']);
    expect(deviceOptions([mic('x', ''), mic('x', '')], 'input')).toEqual([
      { id: 'x', label: 'audioinput 1' },
    ]);
  });

  it('uses the chosen device, the default when none is chosen', () => {
    expect(resolveDevice({ id: 'm2', label: 'Headset mic' }, base, 'input')).toEqual({
      deviceId: 'm2',
      missing: false,
    });
    expect(resolveDevice(null, base, 'output')).toEqual({ deviceId: '', missing: false });
  });

  it('falls back to the default while the chosen device is unplugged, and returns to it when it is back', () => {
    const pref = { id: 'o2', label: 'Headset' };
    const unplugged = base.filter((d) => d.deviceId !== 'o2' && d.deviceId !== 'm2');
    expect(resolveDevice(pref, unplugged, 'output')).toEqual({ deviceId: '', missing: true });
    expect(resolveDevice(pref, base, 'output')).toEqual({ deviceId: 'o2', missing: false });
    // Plugged back in under a new id: found again by its label.
    const renamed = [...unplugged, out('o9', 'Headset')];
    expect(resolveDevice(pref, renamed, 'output')).toEqual({ deviceId: 'o9', missing: false });
  });

  it('resolves the ringer separately from the call audio, and says which roles changed', () => {
    const prefs = {
      input: null,
      output: { id: 'o2', label: 'Headset' },
      ring: { id: 'o1', label: 'Speakers' },
    };
    const now = resolveDevices(prefs, base);
    expect(now.output.deviceId).toBe('o2');
    expect(now.ring.deviceId).toBe('o1');
    expect(changedRoles(null, now)).toEqual(['input', 'output', 'ring']);
    const unplugged = resolveDevices(
      prefs,
      base.filter((d) => d.deviceId !== 'o2'),
    );
    expect(changedRoles(now, unplugged)).toEqual(['output']);
    expect(changedRoles(unplugged, unplugged)).toEqual([]);
  });

  it('stores id and label of a picked device; the empty choice is the default', () => {
    const options = deviceOptions(base, 'input');
    expect(prefFor(options, 'm1')).toEqual({ id: 'm1', label: 'Built-in mic' });
    expect(prefFor(options, '')).toBeNull();
  });
});
