import {
  DEFAULT_AFTER_CALL_WORK_SECONDS,
  DEFAULT_DISPOSITIONS,
  type SipAccount,
} from '../../../shared/phone';

/** The SIP account form as typed: lists one entry a line, numbers as text. */
export type PhoneAccountFields = {
  server: string;
  uri: string;
  authUser: string;
  displayName: string;
  password: string;
  ice: string;
  region: string;
  dtmf: SipAccount['dtmf'];
  dispositions: string;
  acwSeconds: string;
  atLaunch: boolean;
};

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The form showing stored account `a` (none: blank, with the default dispositions and wrap-up time). */
export function phoneAccountFieldsOf(a: SipAccount | null | undefined): PhoneAccountFields {
  return {
    server: a?.server ?? '',
    uri: a?.uri ?? '',
    authUser: a?.authUser ?? '',
    displayName: a?.displayName ?? '',
    password: '',
    ice: (a?.iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])).join('\n'),
    region: a?.region ?? 'US',
    dtmf: a?.dtmf ?? 'auto',
    dispositions: (a?.dispositions ?? [...DEFAULT_DISPOSITIONS]).join('\n'),
    acwSeconds: String(a?.afterCallWorkSeconds ?? DEFAULT_AFTER_CALL_WORK_SECONDS),
    atLaunch: a?.connectAtLaunch ?? false,
  };
}

/** The account a form describes, trimmed (main validates it). */
export function phoneAccountOf(f: PhoneAccountFields): SipAccount {
  return {
    server: f.server.trim(),
    uri: f.uri.trim(),
    authUser: f.authUser.trim(),
    displayName: f.displayName.trim(),
    iceServers: lines(f.ice).map((urls) => ({ urls })),
    region: f.region.trim().toUpperCase(),
    dtmf: f.dtmf,
    dispositions: lines(f.dispositions),
    afterCallWorkSeconds: Number(f.acwSeconds),
    ...(f.atLaunch ? { connectAtLaunch: true } : {}),
  };
}
