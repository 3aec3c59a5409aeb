import type { RootStore } from '../../store';
import { DEFAULT_AUDIO_DEVICES } from '../../../shared/settings';
import {
  AUDIO_ROLES,
  changedRoles,
  deviceOptions,
  resolveDevices,
  type DeviceLike,
  type ResolvedDevices,
} from './audioDevices';
import type { Ringer } from './ringer';

/**
 * The agent's audio devices for calls: listed (with labels once the microphone is allowed), the
 * chosen ones resolved against those present (the default while one is gone) and applied to the
 * ringer and the phone whenever the list or the settings change.
 */
export class PhoneDevices {
  private devices: DeviceLike[] = [];
  private resolvedNow: ResolvedDevices | null = null;
  private readonly media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;

  constructor(
    private readonly store: RootStore,
    private readonly ringer: Ringer,
    /** Applies microphone and call output to the phone (and the recordings that follow them). */
    private readonly applyToCalls: (next: ResolvedDevices, inputChanged: boolean) => Promise<void>,
    fail: (err: unknown) => void,
  ) {
    this.media?.addEventListener?.('devicechange', () => void this.refresh().catch(fail));
    store.subscribe((st, prev) => {
      if (st.settings?.audioDevices !== prev.settings?.audioDevices) void this.apply().catch(fail);
    });
  }

  /** The devices as last resolved (null before the first listing). */
  get resolved(): ResolvedDevices | null {
    return this.resolvedNow;
  }

  /** Lists the devices again and applies the chosen ones (a headset may be back). */
  async refresh(): Promise<void> {
    await this.list();
    await this.apply();
  }

  private async list(): Promise<void> {
    const media = this.media;
    if (!media?.enumerateDevices) return;
    this.devices = await media.enumerateDevices();
    // Before microphone permission, devices have no ids or labels: ask once, then list again.
    if (this.devices.some((d) => d.kind === 'audioinput' && (!d.deviceId || !d.label))) {
      try {
        const stream = await media.getUserMedia({ audio: true, video: false });
        stream.getTracks().forEach((t) => t.stop());
        this.devices = await media.enumerateDevices();
      } catch {
        // Permission refused: the lists stay unlabelled; the default devices still work.
      }
    }
    this.store.setState({
      audioOptions: {
        input: deviceOptions(this.devices, 'input'),
        output: deviceOptions(this.devices, 'output'),
        ring: deviceOptions(this.devices, 'ring'),
      },
    });
  }

  private async apply(): Promise<void> {
    const chosen = this.store.getState().settings?.audioDevices ?? DEFAULT_AUDIO_DEVICES;
    const next = resolveDevices(chosen, this.devices);
    const changed = changedRoles(this.resolvedNow, next);
    this.resolvedNow = next;
    this.store.setState({ audioMissing: AUDIO_ROLES.filter((r) => next[r].missing) });
    if (changed.includes('ring')) await this.ringer.setDevice(next.ring.deviceId);
    if (changed.includes('input') || changed.includes('output'))
      await this.applyToCalls(next, changed.includes('input'));
  }
}
