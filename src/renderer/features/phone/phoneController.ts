import { presenceOf } from '../../../shared/agentState';
import { DEFAULT_AFTER_CALL_WORK_SECONDS, normalizeCallerNumber } from '../../../shared/phone';
import { DEFAULT_AUDIO_DEVICES } from '../../../shared/settings';
import type { ApiClient } from '../../api/client';
import type { RootStore } from '../../store';
import { prefFor, type AudioRole } from './audioDevices';
import { callEventsBetween } from './callEvents';
import { NO_MEDIA } from './callMedia';
import { CallStatus } from './callStatus';
import { PhoneDevices } from './phoneDevices';
import { PhoneRecordings } from './phoneRecording';
import type { PhoneControls } from './phoneSlice';
import { PhoneWrapUps } from './phoneWrapUps';
import { PhoneMonitoring } from './monitoring/phoneMonitoring';
import { Ringer } from './ringer';
import { popFor } from './screenPop';
import { SipPhone } from './sipPhone';
import type { CallSnapshot, PhoneListener } from './sipTypes';

const msg = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Wires the SIP phone to the app: credentials from main when registering, call snapshots and
 * screen-pops into the store, agent state and "call active" reported to main, wrap-up logged as a
 * call record. Module-level (not a hook), like the other handlers of main's events.
 */
export function connectPhone(api: ApiClient, store: RootStore): PhoneControls {
  const controller = new PhoneController(api, store);
  const ctl = controller.controls();
  store.setState({ phoneCtl: ctl, monitorCtl: controller.monitoring.controls() });
  return ctl;
}

/** The phone controller's parts: devices, recordings, wrap-ups, the call status rule, the phone. */
class PhoneController {
  private phone: SipPhone | null = null;
  /** Bumped by each connect and disconnect: a connect still reading its account when another starts gives way. */
  private generation = 0;
  private region = 'US';
  private active = false;
  private readonly ringer = new Ringer();
  private readonly devices: PhoneDevices;
  private readonly recordings: PhoneRecordings;
  private readonly wrapUps: PhoneWrapUps;
  readonly monitoring: PhoneMonitoring;
  // Status changes that calls cause, one at a time: each decision reads the status the last one set.
  private readonly callStatus = new CallStatus();
  private statusChain: Promise<void> = Promise.resolve();
  private eventChain: Promise<void> = Promise.resolve();
  private ringingKey = '[]';
  private readonly fail = (err: unknown) => this.store.setState({ phoneError: msg(err) });

  constructor(
    private readonly api: ApiClient,
    private readonly store: RootStore,
  ) {
    this.recordings = new PhoneRecordings(api, store, (id) => this.phone?.streams(id) ?? null, this.fail);
    this.devices = new PhoneDevices(
      store,
      this.ringer,
      async (next, inputChanged) => {
        if (!this.phone) return;
        await this.phone.setDevices({ input: next.input.deviceId, output: next.output.deviceId });
        // A recorded call now sends from another microphone: the recording follows it.
        if (inputChanged) this.recordings.inputChanged();
      },
      this.fail,
    );
    this.wrapUps = new PhoneWrapUps(api, store, this.recordings, () => this.syncStatus(), this.fail);
    this.monitoring = new PhoneMonitoring(api, store, () => this.recordings.inputChanged(), this.fail);
    // The caller's profile pops after the ring started: the notification names them then.
    store.subscribe((st, prev) => {
      if (st.pops !== prev.pops) this.reportRinging();
    });
  }

  controls(): PhoneControls {
    const guard = (f: () => unknown) => {
      try {
        const r = f();
        if (r instanceof Promise) r.catch(this.fail);
      } catch (err) {
        this.fail(err);
      }
    };
    return {
      register: () => this.register(),
      unregister: async () => {
        this.generation++;
        this.ringer.stop();
        const phone = this.phone;
        this.phone = null;
        if (phone) await phone.stop();
        // Disconnected while the account was still being read: nothing was started.
        else this.store.setState({ registration: 'stopped' });
      },
      refreshDevices: () => this.devices.refresh(),
      setAudioDevice: (role, id) => this.setAudioDevice(role, id),
      dial: (target, customerId) => guard(() => this.dial(target, customerId)),
      answer: (id) => guard(() => this.phone?.answer(id)),
      decline: (id) => guard(() => this.phone?.decline(id)),
      hangup: (id) => guard(() => this.phone?.hangup(id)),
      hold: (id, on) => guard(() => this.phone?.hold(id, on)),
      mute: (id, on) => guard(() => this.phone?.mute(id, on)),
      dtmf: (id, tones) => guard(() => this.phone?.dtmf(id, tones)),
      blindTransfer: (id, target) => guard(() => this.phone?.blindTransfer(id, target)),
      attendedTransfer: (id, consultId) => guard(() => this.phone?.attendedTransfer(id, consultId)),
      mediaStats: async (id) => (this.phone ? this.phone.mediaStats(id) : NO_MEDIA),
      wrapUp: (disposition, note, newCustomerName) => this.wrapUps.save(disposition, note, newCustomerName),
    };
  }

  private async register(): Promise<void> {
    const set = this.store.setState;
    // A new connection: the last one's "reconnected"/"lost" note no longer applies.
    set({ phoneError: null, registrationError: null, registrationNote: null });
    await this.phone?.stop();
    this.phone = null;
    // Connecting from the click on: reading the account and the devices takes a moment, and a
    // failure there is the registration's to show, with its reason.
    set({ registration: 'connecting' });
    const generation = ++this.generation;
    let phone: SipPhone;
    try {
      phone = await this.newPhone();
    } catch (err) {
      if (generation === this.generation)
        set({ registration: 'failed', registrationError: err instanceof Error ? err.message : String(err) });
      return;
    }
    // Disconnected, or connected again, meanwhile: this one is not wanted.
    if (generation !== this.generation) return;
    this.phone = phone;
    await phone.start();
  }

  /** A SipPhone for the saved account, on the chosen devices, not started yet. */
  private async newPhone(): Promise<SipPhone> {
    await this.devices.refresh().catch(this.fail);
    const creds = await this.api.call('phone:getCredentials', {});
    this.region = creds.region;
    this.wrapUps.limitSec = creds.afterCallWorkSeconds ?? DEFAULT_AFTER_CALL_WORK_SECONDS;
    this.store.setState({ dispositions: creds.dispositions });
    const phone = new SipPhone(
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
      this.listener(),
    );
    this.monitoring.attach(phone);
    const resolved = this.devices.resolved;
    if (resolved)
      await phone.setDevices({ input: resolved.input.deviceId, output: resolved.output.deviceId });
    return phone;
  }

  private listener(): PhoneListener {
    const s = this.store.getState;
    const set = this.store.setState;
    return {
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
      onCall: (c) => this.onCall(c),
      onDtmf: (id, tone) =>
        set({ dtmfIn: { ...s().dtmfIn, [id]: `${s().dtmfIn[id] ?? ''}${tone}`.slice(-64) } }),
    };
  }

  private async setAudioDevice(role: AudioRole, id: string): Promise<void> {
    const s = this.store.getState;
    const pref = prefFor(s().audioOptions[role], id);
    const settings = s().settings;
    const next = { ...(settings?.audioDevices ?? DEFAULT_AUDIO_DEVICES), [role]: pref };
    // Applied here first, so a second quick change builds on this one instead of on the value
    // before it (both saves would otherwise start from the same old settings and one would be lost).
    if (settings) s().setSettings({ ...settings, audioDevices: next });
    s().setSettings(await this.api.call('settings:update', { audioDevices: next }));
  }

  private onCall(c: CallSnapshot): void {
    const s = this.store.getState;
    this.reportEvents(
      s().calls.find((x) => x.id === c.id),
      c,
    );
    this.recordings.onCall(c);
    this.monitoring.onCall(c);
    const others = s().calls.filter((x) => x.id !== c.id);
    const first = !s().calls.some((x) => x.id === c.id);
    if (c.state === 'ended') {
      const pop = s().pops[c.id];
      const { [c.id]: _gone, ...pops } = s().pops;
      void _gone;
      this.store.setState({ calls: others, pops });
      // Every answered call gets a wrap-up (transferred ones too), except the agent's consult leg.
      if (c.answeredAt !== null && !c.consult)
        this.wrapUps.add({ call: c, number: pop?.number ?? null, customerId: pop?.pop?.customer.id ?? null });
    } else {
      this.store.setState({ calls: [...others, c].sort((a, b) => a.startedAt - b.startedAt) });
    }
    void this.syncStatus();
    this.followCalls();
    // Outgoing calls are looked up too, so their wrap-up lands in the right timeline.
    if (first) void popFor(this.api, this.store, c, this.region, this.fail);
  }

  /**
   * What happened to a call with a conversation goes to main as call events, one after another
   * (so they enter the outbox, and reach the relay, in the order they happened).
   */
  private reportEvents(prev: CallSnapshot | undefined, c: CallSnapshot): void {
    const conversationId = c.conversationId;
    if (!conversationId || this.store.getState().session?.status !== 'signedIn') return;
    for (const e of callEventsBetween(prev, c))
      this.eventChain = this.eventChain
        .then(() => this.api.call('calls:event', { ...e, conversationId }))
        .then(() => undefined, this.fail);
  }

  /**
   * Dials a number or extension. A customer's number (E.164 once normalized) first gets its voice
   * conversation (offline too), the named customer's when the agent called from their profile:
   * the call is then reported like a queue call. An extension or SIP address is a direct call.
   */
  private async dial(target: string, customerId?: string): Promise<void> {
    const phone = this.phone;
    if (!phone) return;
    const number = /^[+\d\s().-]+$/.test(target.trim()) ? normalizeCallerNumber(target, this.region) : null;
    let conversationId: string | null = null;
    if (number && this.store.getState().session?.status === 'signedIn') {
      try {
        conversationId = (
          await this.api.call('calls:dial', { phone: number, customerId: customerId ?? null })
        ).conversationId;
      } catch (err) {
        // The call matters more than its record: it goes out, and the wrap-up still files it.
        this.fail(err);
      }
    }
    phone.call(target, [], conversationId);
  }

  /** The ring and main's "call active" (updates never install during a call) follow the calls. */
  private followCalls(): void {
    const calls = this.store.getState().calls;
    // The ring plays on its own device while an incoming call rings and none is live.
    const ringing = calls.some((x) => x.direction === 'in' && x.state === 'ringing');
    const talking = calls.some((x) => x.state === 'established');
    if (ringing && !talking) this.ringer.start();
    else this.ringer.stop();
    this.reportRinging();
    const nowActive = calls.length > 0;
    if (nowActive !== this.active) {
      this.active = nowActive;
      void this.api.call('phone:setCallActive', { active: nowActive }).catch(this.fail);
    }
  }

  /** Main hears which calls ring now, so a hidden window's agent gets a notification and the tray. */
  private reportRinging(): void {
    const s = this.store.getState();
    const calls = s.calls
      .filter((c) => c.direction === 'in' && c.state === 'ringing')
      .slice(0, 8)
      .map((c) => ({
        callId: c.id,
        caller: (s.pops[c.id]?.number ?? c.remoteUser).slice(0, 256),
        customerName: s.pops[c.id]?.pop?.customer.name.slice(0, 200) ?? (c.remoteName.slice(0, 200) || null),
      }));
    const key = JSON.stringify(calls);
    if (key === this.ringingKey) return;
    this.ringingKey = key;
    void this.api.call('phone:setRinging', { calls }).catch(this.fail);
  }

  private syncStatus(): Promise<void> {
    const s = this.store.getState;
    this.statusChain = this.statusChain.then(async () => {
      const agent = s().agent;
      if (!agent) return;
      const next = this.callStatus.next(presenceOf(agent), s().calls, s().wrapUps.length);
      if (!next) return;
      try {
        s().setAgent(await this.api.call('agent:setState', next));
      } catch (err) {
        this.fail(err);
      }
    });
    return this.statusChain;
  }
}
