import { z } from 'zod';
import {
  audioDevicesSchema,
  languageSchema,
  themeSchema,
  savedInboxViewsSchema,
  workspaceLayoutsSchema,
  type Settings,
} from '../settings';
import { setAgentStateSchema, type AgentStateInfo } from '../agentState';
import type { UpdateStatus } from '../updates/status';
import type { SessionState } from '../session';
import { relayUrlSchema } from '../relayUrl';
import { sipAccountSchema, type SipAccountView, type SipCredentials } from '../phone';
import { TEXT_LIMITS } from '../sync/mutations';
import { call, noArgs } from './call';

// The app API's calls about the app itself: its facts and settings, the agent's state, the
// softphone's account and calls, updates and the session. Spread into `apiCalls` in api.ts.

/** Facts about the running app, shown in Settings › About. */
export type AppInfo = {
  name: string;
  version: string;
  platform: string;
  arch: string;
  /** Which transport serves the API: the Electron app or the browser host. */
  host: 'electron' | 'browser';
  runtime: string;
};

export const appCalls = {
  'app:getInfo': call<AppInfo>()(noArgs),
  'settings:get': call<Settings>()(noArgs),
  'settings:update': call<Settings>()(
    z
      .object({
        language: languageSchema.optional(),
        theme: themeSchema.optional(),
        audioDevices: audioDevicesSchema.optional(),
        workspaceLayouts: workspaceLayoutsSchema.optional(),
        savedInboxViews: savedInboxViewsSchema.optional(),
      })
      .strict(),
  ),
  'agent:getState': call<AgentStateInfo>()(noArgs),
  'agent:setState': call<AgentStateInfo>()(setAgentStateSchema),
  /** The softphone reports whether a call is ringing, live or held (updates never install during one). */
  'phone:setCallActive': call<{ active: boolean }>()(z.object({ active: z.boolean() }).strict()),
  /**
   * The softphone's incoming calls ringing now (empty when none), so a hidden window still reaches
   * the agent: main shows a notification with Answer and Decline, and the tray says so.
   */
  'phone:setRinging': call<{ ok: true }>()(
    z
      .object({
        calls: z
          .array(
            z
              .object({
                callId: z.string().min(1).max(64),
                caller: z.string().max(256),
                customerName: z.string().max(TEXT_LIMITS.name).nullable(),
              })
              .strict(),
          )
          .max(8),
      })
      .strict(),
  ),
  /** Answers or declines a ringing call from outside the window (a notification, the tray). */
  'phone:callAction': call<{ ok: true }>()(
    z.object({ callId: z.string().min(1).max(64), action: z.enum(['answer', 'decline']) }).strict(),
  ),
  /** SIP account settings and where its password is kept (never the password itself). */
  'phone:getAccount': call<SipAccountView>()(noArgs),
  /** Saves the settings; a password given goes to the OS keychain (or memory only, without one). */
  'phone:saveAccount': call<SipAccountView>()(
    z.object({ account: sipAccountSchema, password: z.string().min(1).max(1024).optional() }).strict(),
  ),
  /** The softphone asks for this only to register. */
  'phone:getCredentials': call<SipCredentials>()(noArgs),
  'updates:getStatus': call<UpdateStatus>()(noArgs),
  'updates:check': call<UpdateStatus>()(noArgs),
  /** The agent chooses to restart now; still refused during a call or with unsent changes. */
  'updates:installNow': call<UpdateStatus>()(noArgs),

  'session:get': call<SessionState>()(noArgs),
  'session:login': call<SessionState>()(
    z
      .object({
        relayUrl: relayUrlSchema,
        email: z.string().email().max(254),
        password: z.string().min(1).max(1024),
        /** Needed only where no OS keychain is reachable. */
        passphrase: z.string().min(8).max(1024).optional(),
        /** A new password, when an admin reset the old one (LOCAL_ERR_PASSWORD_CHANGE_REQUIRED). */
        newPassword: z.string().min(8).max(1024).optional(),
      })
      .strict(),
  ),
  'session:unlock': call<SessionState>()(z.object({ passphrase: z.string().min(1).max(1024) }).strict()),
  'session:logout': call<SessionState>()(z.object({ wipe: z.boolean().optional() }).strict()),
  'session:discardLostCache': call<SessionState>()(noArgs),
};
