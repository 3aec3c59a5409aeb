import type { DialRequest } from '../../../shared/dialLink';
import type { ScreenPop } from '../../../shared/views';
import type { SliceCreator } from '../../store/types';
import type { AudioRole, DeviceOption } from './audioDevices';
import type { CallSnapshot, Registration } from './sipPhone';

/** The customer shown for a call: looked up while it rings (null pop: unknown number). */
export type CallPop = { number: string | null; pop: ScreenPop | null; looked: boolean };
/** A finished call waiting for its disposition and note. */
export type WrapUp = { call: CallSnapshot; number: string | null; customerId: string | null };

/** What the phone view can do; set by the phone controller once it exists. */
export type PhoneControls = {
  register: () => Promise<void>;
  unregister: () => Promise<void>;
  /** Dials a number or extension; a customer's id makes the call (and its conversation) theirs. */
  dial: (target: string, customerId?: string) => void;
  answer: (id: string) => void;
  decline: (id: string) => void;
  hangup: (id: string) => void;
  hold: (id: string, on: boolean) => void;
  mute: (id: string, on: boolean) => void;
  dtmf: (id: string, tones: string) => void;
  blindTransfer: (id: string, target: string) => void;
  attendedTransfer: (id: string, consultId: string) => void;
  wrapUp: (disposition: string, note: string, newCustomerName?: string) => Promise<void>;
  /** Lists the audio devices again (and applies the chosen ones: a headset may be back). */
  refreshDevices: () => Promise<void>;
  /** Picks a device for a role by id ('' for the system default) and saves it in settings. */
  setAudioDevice: (role: AudioRole, id: string) => Promise<void>;
  mediaStats: (
    id: string,
  ) => Promise<{ bytesReceived: number; bytesSent: number; ice: string; direction: string }>;
};

export type PhoneSlice = {
  dialNumber: string;
  dialSource: DialRequest['scheme'] | null;
  /** The customer whose number the dial pad holds (put there from their profile); typing forgets it. */
  dialCustomerId: string | null;
  registration: Registration;
  /** Why registration failed, or a notice such as "reconnected"; shown as text. */
  registrationNote: 'reconnected' | 'lost' | null;
  registrationError: string | null;
  calls: CallSnapshot[];
  pops: Record<string, CallPop>;
  /** Finished calls waiting for wrap-up, oldest first (the form shows the first). */
  wrapUps: WrapUp[];
  /** The wrap-up form's fields, kept here so a timed-out after-call work saves what was typed. */
  wrapDraft: { disposition: string; note: string; name: string };
  /** After-call work on the wrap-up shown: since when, and the limit (0: none). */
  acw: { since: number; limitSec: number } | null;
  /** Told once after-call work ran out and the wrap-up saved itself. */
  acwNotice: boolean;
  setWrapDraft: (patch: Partial<PhoneSlice['wrapDraft']>) => void;
  /** Calls being recorded (team setting), with the consent text the agent announces. */
  recordingCalls: Record<string, string>;
  /** DTMF digits received on live calls (SIP INFO), by call. */
  dtmfIn: Record<string, string>;
  phoneError: string | null;
  /** Wrap-up codes of the SIP account. */
  dispositions: string[];
  phoneCtl: PhoneControls | null;
  /** Audio devices present, by role, and the roles whose chosen device is missing now. */
  audioOptions: Record<AudioRole, DeviceOption[]>;
  audioMissing: AudioRole[];
  setDialNumber: (n: string, customerId?: string) => void;
  setPops: (pops: Record<string, CallPop>) => void;
  requestDial: (req: DialRequest) => void;
};

export const createPhoneSlice: SliceCreator<PhoneSlice> = (set) => ({
  dialNumber: '',
  dialSource: null,
  dialCustomerId: null,
  registration: 'stopped',
  registrationNote: null,
  registrationError: null,
  calls: [],
  pops: {},
  wrapUps: [],
  wrapDraft: { disposition: '', note: '', name: '' },
  acw: null,
  acwNotice: false,
  recordingCalls: {},
  dtmfIn: {},
  phoneError: null,
  dispositions: [],
  phoneCtl: null,
  audioOptions: { input: [], output: [], ring: [] },
  audioMissing: [],
  setDialNumber: (dialNumber, customerId) =>
    set({ dialNumber, dialSource: null, dialCustomerId: customerId ?? null }),
  setPops: (pops) => set({ pops }),
  setWrapDraft: (patch) => set((s) => ({ wrapDraft: { ...s.wrapDraft, ...patch } })),
  requestDial: (req) =>
    set({ dialNumber: req.target, dialSource: req.scheme, dialCustomerId: null, view: 'phone' }),
});
