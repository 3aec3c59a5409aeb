import { DEFAULT_AFTER_CALL_WORK_SECONDS, normalizeCallerNumber } from '../../../shared/phone';
import type { ApiClient } from '../../api/client';
import type { RootStore } from '../../store';
import { DEFAULT_AUDIO_DEVICES } from '../../../shared/settings';
import {
  AUDIO_ROLES,
  changedRoles,
  deviceOptions,
  prefFor,
  resolveDevices,
  type DeviceLike,
  type ResolvedDevices,
} from './audioDevices';
import { Ringer } from './ringer';
import { AfterCallWork } from './afterCallWork';
import { CallRecorder, toBase64 } from './callRecorder';
import type { CallRecording } from '../../../shared/recording';
import { SipPhone, type CallSnapshot } from './sipPhone';
import type { PhoneControls, WrapUp } from './phoneSlice';
import { CallStatus } from './callStatus';

const msg = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Wires the SIP phone to the app: credentials from main when registering, call snapshots and
 * screen-pops into the store, agent state and "call active" reported to main, wrap-up logged as a
 * call record. Module-level (not a hook), like the other handlers of main's events.
 */
export function connectPhone(api: ApiClient, store: RootStore): PhoneControls {
  const s = store.getState;
  const set = store.setState;
  let phone: SipPhone | null = null;
  let region = 'US';
  let active = false;
  const ringer = new Ringer();
  let devices: DeviceLike[] = [];
  let resolved: ResolvedDevices | null = null;
  const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;

  // Device choice: resolved against the devices present (fallback to default while one is gone).
  async function listDevices(): Promise<void> {
    if (!media?.enumerateDevices) return;
    devices = await media.enumerateDevices();
    // Before microphone permission, devices have no ids or labels: ask once, then list again.
    if (devices.some((d) => d.kind === 'audioinput' && (!d.deviceId || !d.label))) {
      try {
        const stream = await media.getUserMedia({ audio: true, video: false });
        stream.getTracks().forEach((t) => t.stop());
        devices = await media.enumerateDevices();
      } catch {
        // Permission refused: the lists stay unlabelled; the default devices still work.
      }
    }
    set({
      audioOptions: {
        input: deviceOptions(devices, 'input'),
        output: deviceOptions(devices, 'output'),
        ring: deviceOptions(devices, 'ring'),
      },
    });
  }

  async function applyDevices(): Promise<void> {
    const next = resolveDevices(s().settings?.audioDevices ?? DEFAULT_AUDIO_DEVICES, devices);
    const changed = changedRoles(resolved, next);
    resolved = next;
    set({ audioMissing: AUDIO_ROLES.filter((r) => next[r].missing) });
    if (changed.includes('ring')) await ringer.setDevice(next.ring.deviceId);
    if (phone && (changed.includes('input') || changed.includes('output'))) {
      await phone.setDevices({ input: next.input.deviceId, output: next.output.deviceId });
      // A recorded call now sends from another microphone: the recording follows it.
      if (changed.includes('input'))
        for (const [id, live] of recordings) {
          const st = phone.streams(id);
          if (st) live.r.replaceLocal(st.local);
        }
    }
  }

  const refreshDevices = async () => {
    await listDevices();
    await applyDevices();
  };
  media?.addEventListener?.('devicechange', () => void refreshDevices().catch(fail));
  store.subscribe((st, prev) => {
    if (st.settings?.audioDevices !== prev.settings?.audioDevices) void applyDevices().catch(fail);
  });

  const fail = (err: unknown) => set({ phoneError: msg(err) });
  const guard = (f: () => unknown) => {
    try {
      const r = f();
      if (r instanceof Promise) r.catch(fail);
    } catch (err) {
      fail(err);
    }
  };

  // Recording (when the agent's team records calls): both sides mixed, from answer to hang-up,
  // handed to main every few seconds while the call lasts (kept in the encrypted cache until the
  // relay has it), so a crash mid-call loses seconds, not the call.
  type LiveRecording = {
    r: CallRecorder;
    /** The recording's id in main and on the relay. */
    id: string;
    /** Next chunk number, and bytes handed over so far. */
    seq: number;
    bytes: number;
    /** Hand-overs run one after another, in order. */
    chain: Promise<void>;
    timer: ReturnType<typeof setInterval>;
  };
  const recordings = new Map<string, LiveRecording>();
  const recordingChecked = new Set<string>();
  const saved = new Map<string, Promise<CallRecording | null>>();
  const FLUSH_MS = 5000;
  const PIECE = 512 * 1024;

  async function startRecording(c: CallSnapshot) {
    recordingChecked.add(c.id);
    try {
      const policy = await api.call('recordings:policy', {});
      const streams = phone?.streams(c.id);
      if (!policy.enabled || !streams || !s().calls.some((x) => x.id === c.id && x.state === 'established'))
        return;
      const live: LiveRecording = {
        r: new CallRecorder(streams.local, streams.remote),
        id: crypto.randomUUID(),
        seq: 0,
        bytes: 0,
        chain: Promise.resolve(),
        timer: setInterval(() => void flush(live).catch(fail), FLUSH_MS),
      };
      recordings.set(c.id, live);
      set({ recordingCalls: { ...s().recordingCalls, [c.id]: policy.consentText } });
    } catch (err) {
      fail(err);
    }
  }

  /** Hands what was recorded since the last flush to main, in order; `final` completes it. */
  function flush(
    live: LiveRecording,
    final?: { mime: CallRecording['mime']; durationMs: number },
  ): Promise<void> {
    live.chain = live.chain.then(async () => {
      const bytes = new Uint8Array(await new Blob(live.r.takeChunks()).arrayBuffer());
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += PIECE) pieces.push(bytes.subarray(at, at + PIECE));
      if (pieces.length === 0) {
        if (!final) return;
        pieces.push(bytes); // nothing new, but the end is still marked
      }
      for (const [i, piece] of pieces.entries()) {
        await api.call('recordings:save', {
          id: live.id,
          seq: live.seq,
          base64: toBase64(piece),
          ...(final && i === pieces.length - 1 ? { final } : {}),
        });
        live.seq += 1;
        live.bytes += piece.length;
      }
    });
    return live.chain;
  }

  async function saveRecording(live: LiveRecording): Promise<CallRecording | null> {
    const { mime, durationMs } = await live.r.stop();
    await flush(live, { mime, durationMs }); // what no flush took yet, and the end
    return live.bytes > 0 ? { id: live.id, mime, durationMs, bytes: live.bytes } : null;
  }

  function stopRecording(id: string) {
    const live = recordings.get(id);
    recordingChecked.delete(id);
    if (!live) return;
    clearInterval(live.timer);
    recordings.delete(id);
    const { [id]: _done, ...rest } = s().recordingCalls;
    void _done;
    set({ recordingCalls: rest });
    saved.set(
      id,
      saveRecording(live).catch((err: unknown) => {
        fail(err);
        return null;
      }),
    );
  }

  function onCall(c: CallSnapshot) {
    if (c.state === 'established' && !c.consult && !recordingChecked.has(c.id)) void startRecording(c);
    if (c.state === 'ended') stopRecording(c.id);
    const others = s().calls.filter((x) => x.id !== c.id);
    const first = !s().calls.some((x) => x.id === c.id);
    if (c.state === 'ended') {
      const pop = s().pops[c.id];
      const { [c.id]: _gone, ...pops } = s().pops;
      void _gone;
      // Every answered call gets a wrap-up (transferred ones too), except the agent's consult leg.
      const wrap =
        c.answeredAt !== null && !c.consult
          ? { call: c, number: pop?.number ?? null, customerId: pop?.pop?.customer.id ?? null }
          : null;
      const firstWrap = wrap !== null && s().wrapUps.length === 0;
      set({ calls: others, pops, ...(wrap ? { wrapUps: [...s().wrapUps, wrap] } : {}) });
      if (firstWrap) startAcw();
    } else {
      set({ calls: [...others, c].sort((a, b) => a.startedAt - b.startedAt) });
    }
    void syncStatus();
    // The ring plays on its own device while an incoming call rings and none is live.
    const ringing = s().calls.some((x) => x.direction === 'in' && x.state === 'ringing');
    const talking = s().calls.some((x) => x.state === 'established');
    if (ringing && !talking) ringer.start();
    else ringer.stop();
    const nowActive = s().calls.length > 0;
    if (nowActive !== active) {
      active = nowActive;
      // Updates never install during a call.
      void api.call('phone:setCallActive', { active }).catch(fail);
    }
    // Outgoing calls are looked up too, so their wrap-up lands in the right timeline.
    if (first) void popFor(c);
  }

  // Screen-pop: normalize the caller, look it up in the local encrypted cache (no relay needed).
  async function popFor(c: CallSnapshot) {
    const number = normalizeCallerNumber(c.remoteUser, region);
    set({ pops: { ...s().pops, [c.id]: { number, pop: null, looked: number === null } } });
    if (!number || s().session?.status !== 'signedIn') {
      set({ pops: { ...s().pops, [c.id]: { number, pop: null, looked: true } } });
      return;
    }
    try {
      const { pop } = await api.call('customers:lookupPhone', { phone: number });
      if (s().calls.some((x) => x.id === c.id) || s().wrapUps.some((w) => w.call.id === c.id))
        set({ pops: { ...s().pops, [c.id]: { number, pop, looked: true } } });
    } catch (err) {
      set({ pops: { ...s().pops, [c.id]: { number, pop: null, looked: true } } });
      fail(err);
    }
  }

  // After-call work: the wrap-up's clock; when the account's limit runs out, it saves itself.
  let acwLimitSec = DEFAULT_AFTER_CALL_WORK_SECONDS;
  const acw = new AfterCallWork({
    limitSec: () => acwLimitSec,
    onExpired: () => {
      const d = s().wrapDraft;
      void ctl
        .wrapUp(d.disposition, d.note.trim(), d.name.trim() || undefined)
        .then(() => set({ acwNotice: true }), fail);
    },
  });
  function startAcw() {
    acw.start();
    set({
      acw: { since: acw.since()!, limitSec: acwLimitSec },
      acwNotice: false,
      wrapDraft: { disposition: '', note: '', name: '' },
    });
  }
  /** The shown wrap-up is done: the next one (if any) gets its own clock. */
  function nextWrap() {
    if (s().wrapUps.length > 0) startAcw();
    else {
      acw.stop();
      set({ acw: null, wrapDraft: { disposition: '', note: '', name: '' } });
    }
  }

  // Status changes that calls cause, one at a time: each decision reads the status the last one set.
  const callStatus = new CallStatus();
  let statusChain: Promise<void> = Promise.resolve();
  function syncStatus(): Promise<void> {
    statusChain = statusChain.then(async () => {
      const current = s().agent?.state;
      if (!current) return;
      const next = callStatus.next(current, s().calls, s().wrapUps.length);
      if (!next) return;
      try {
        s().setAgent(await api.call('agent:setState', { state: next }));
      } catch (err) {
        fail(err);
      }
    });
    return statusChain;
  }

  const ctl: PhoneControls = {
    register: async () => {
      // A new connection: the last one's "reconnected"/"lost" note no longer applies.
      set({ phoneError: null, registrationError: null, registrationNote: null });
      await phone?.stop();
      await refreshDevices().catch(fail);
      const creds = await api.call('phone:getCredentials', {});
      region = creds.region;
      acwLimitSec = creds.afterCallWorkSeconds ?? DEFAULT_AFTER_CALL_WORK_SECONDS;
      set({ dispositions: creds.dispositions });
      phone = new SipPhone(
        {
          server: creds.server,
          uri: creds.uri,
          authUser: creds.authUser,
          password: creds.password,
          displayName: creds.displayName,
          iceServers: creds.iceServers.map((x) => ({
            urls: x.urls,
            ...(x.username !== undefined ? { username: x.username } : {}),
            ...(x.credential !== undefined ? { credential: x.credential } : {}),
          })),
          dtmf: creds.dtmf,
        },
        {
          onRegistration: (registration, d) =>
            set({
              registration,
              registrationError: d.error ?? null,
              registrationNote: d.reconnected
                ? 'reconnected'
                : registration === 'reconnecting'
                  ? 'lost'
                  : s().registrationNote,
            }),
          onCall,
          onDtmf: (id, tone) =>
            set({ dtmfIn: { ...s().dtmfIn, [id]: `${s().dtmfIn[id] ?? ''}${tone}`.slice(-64) } }),
        },
      );
      if (resolved)
        await phone.setDevices({ input: resolved.input.deviceId, output: resolved.output.deviceId });
      await phone.start();
    },
    unregister: async () => {
      ringer.stop();
      await phone?.stop();
      phone = null;
    },
    refreshDevices,
    setAudioDevice: async (role, id) => {
      const pref = prefFor(s().audioOptions[role], id);
      const settings = s().settings;
      const next = { ...(settings?.audioDevices ?? DEFAULT_AUDIO_DEVICES), [role]: pref };
      // Applied here first, so a second quick change builds on this one instead of on the value
      // before it (both saves would otherwise start from the same old settings and one would be lost).
      if (settings) s().setSettings({ ...settings, audioDevices: next });
      s().setSettings(await api.call('settings:update', { audioDevices: next }));
    },
    dial: (target) => guard(() => phone?.call(target)),
    answer: (id) => guard(() => phone?.answer(id)),
    decline: (id) => guard(() => phone?.decline(id)),
    hangup: (id) => guard(() => phone?.hangup(id)),
    hold: (id, on) => guard(() => phone?.hold(id, on)),
    mute: (id, on) => guard(() => phone?.mute(id, on)),
    dtmf: (id, tones) => guard(() => phone?.dtmf(id, tones)),
    blindTransfer: (id, target) => guard(() => phone?.blindTransfer(id, target)),
    attendedTransfer: (id, consultId) => guard(() => phone?.attendedTransfer(id, consultId)),
    mediaStats: async (id) =>
      phone ? phone.mediaStats(id) : { bytesReceived: 0, bytesSent: 0, ice: 'none', direction: 'none' },
    wrapUp: async (disposition, note, newCustomerName) => {
      const w = s().wrapUps[0];
      // One save at a time: the agent's click and a running-out clock must not log a call twice.
      if (!w || savingWrap) return;
      savingWrap = true;
      try {
        await saveWrap(w, disposition, note, newCustomerName);
      } finally {
        savingWrap = false;
      }
    },
  };
  let savingWrap = false;
  async function saveWrap(w: WrapUp, disposition: string, note: string, newCustomerName: string | undefined) {
    if (w.customerId === null && w.number === null && !newCustomerName) {
      // An internal or anonymous call with nobody to file it under: nothing to record.
      set({ wrapUps: s().wrapUps.slice(1) });
      nextWrap();
      await syncStatus();
      return;
    }
    const c = w.call;
    const recording = (await saved.get(c.id)) ?? null;
    saved.delete(c.id);
    const self = s().session?.agent?.name ?? 'agent';
    const remote = w.number ?? c.remoteUser;
    const iso = (t: number) => new Date(t).toISOString();
    await api.call('calls:log', {
      customerId: w.customerId,
      ...(newCustomerName ? { newCustomerName } : {}),
      ...(w.customerId === null && w.number ? { newCustomerPhone: w.number } : {}),
      direction: c.direction,
      from: (c.direction === 'in' ? remote : self).slice(0, 256),
      to: (c.direction === 'in' ? self : remote).slice(0, 256),
      startedAt: iso(c.startedAt),
      answeredAt: c.answeredAt === null ? null : iso(c.answeredAt),
      endedAt: iso(c.endedAt ?? Date.now()),
      // No code chosen (after-call work ran out first): the record says so by having none.
      disposition: disposition || null,
      note,
      ...(c.quality.summary ? { quality: c.quality.summary } : {}),
      ...(recording ? { recording } : {}),
    });
    set({ wrapUps: s().wrapUps.filter((x) => x !== w) });
    nextWrap();
    await syncStatus();
  }

  set({ phoneCtl: ctl });
  return ctl;
}
