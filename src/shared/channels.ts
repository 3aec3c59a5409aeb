// Channel names only, with no dependencies, so the sandboxed preload can check them without
// bundling the schemas. `api.ts` is the full contract and is checked against these lists.

/** Request/response calls the renderer may make: `<domain>:<verb>`. */
export const CALL_CHANNELS = [
  'app:getInfo',
  'settings:get',
  'settings:update',
  'agent:getState',
  'agent:setState',
  'phone:setCallActive',
  'phone:getAccount',
  'phone:saveAccount',
  'phone:getCredentials',
  'updates:getStatus',
  'updates:check',
  'updates:installNow',
  'session:get',
  'session:login',
  'session:unlock',
  'session:logout',
  'session:discardLostCache',
  'customers:list',
  'customers:get',
  'customers:create',
  'customers:update',
  'customers:merge',
  'customers:unmerge',
  'customers:lookupPhone',
  'calls:log',
  'calls:event',
  'calls:dial',
  'phone:setRinging',
  'phone:callAction',
  'recordings:policy',
  'recordings:save',
  'recordings:read',
  'conversations:list',
  'conversations:labels',
  'conversations:get',
  'conversations:addLabel',
  'conversations:removeLabel',
  'conversations:setStatus',
  'conversations:startEmail',
  'messages:send',
  'notes:add',
  'history:get',
  'search:query',
  'sync:listRejected',
  'sync:dismissRejected',
  'inbox:listOffers',
  'inbox:directory',
  'conversations:transfer',
  'conversations:markRead',
  'inbox:replyOffer',
  'inbox:searchCannedReplies',
  'inbox:setTyping',
  'inbox:listMovedWhileAway',
  'inbox:dismissMovedWhileAway',
  'messages:getAttachment',
  'messages:remoteImages',
  'messages:sendAttachment',
  'teams:getSettings',
  'teams:setRecording',
  'teams:setQueueRouting',
  'teams:setSlaPolicy',
  'teams:getWebhook',
  'teams:setWebhook',
  'teams:removeWebhook',
  'teams:setAgentRouting',
  'teams:setAwayGrace',
  'teams:setMonitoring',
  'monitoring:liveCalls',
  'monitoring:requestGrant',
  'monitoring:redeem',
  'monitoring:prepare',
  'monitoring:end',
  'account:changePassword',
  'admin:listPeople',
  'admin:createPerson',
  'admin:setDisabled',
  'admin:resetPassword',
  'admin:setRole',
  'admin:setTeams',
  'admin:audit',
  'admin:auditCsv',
  'supervisor:watch',
  'supervisor:setStatus',
  'supervisor:logout',
  'supervisor:assign',
  'supervisor:whisper',
  'supervisor:listNotices',
  'supervisor:dismissNotice',
  'reports:get',
  'reports:csv',
] as const;

/** Events the renderer may subscribe to. */
export const EVENT_CHANNELS = [
  'settings:changed',
  'agent:stateChanged',
  'phone:dialRequested',
  'updates:statusChanged',
  'session:changed',
  'data:changed',
  'inbox:offersChanged',
  'inbox:openConversation',
  'inbox:typing',
  'inbox:mentioned',
  'inbox:movedWhileAway',
  'supervisor:board',
  'supervisor:accessLost',
  'supervisor:notices',
  'phone:ringingChanged',
  'phone:callAction',
] as const;

export type CallChannel = (typeof CALL_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

const callSet: ReadonlySet<string> = new Set(CALL_CHANNELS);
const eventSet: ReadonlySet<string> = new Set(EVENT_CHANNELS);

/** True when `name` is a call channel of the contract. */
export function isCallChannel(name: unknown): name is CallChannel {
  return typeof name === 'string' && callSet.has(name);
}

/** True when `name` is an event channel of the contract. */
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && eventSet.has(name);
}
