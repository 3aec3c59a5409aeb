import type { CallArgs, CallResult } from '../../shared/api';
import type { CallChannel } from '../../shared/channels';
import { definedOnly } from '../../shared/objects';
import type { Services } from '../services';

export type Handlers = { [C in CallChannel]: (args: CallArgs<C>) => CallResult<C> | Promise<CallResult<C>> };

/**
 * One line per call of the contract, naming the service that answers it, grouped by domain.
 * Arguments arrive validated by the dispatcher (the contract's zod schemas), the one place they are
 * parsed: services take them as typed. (The store still checks each mutation a service builds from
 * them, with ids and values of its own, before it enters the outbox.)
 */
export function createHandlers(s: Services): Handlers {
  return {
    ...deviceCalls(s),
    ...phoneCalls(s),
    ...sessionCalls(s),
    ...customerCalls(s),
    ...conversationCalls(s),
    ...managerCalls(s),
    ...supervisorCalls(s),
    ...monitoringCalls(s),
    ...reportCalls(s),
  };
}

/** Handlers for some of the channels, typed by the contract. */
const calls = <C extends CallChannel>(h: { [K in C]: Handlers[K] }) => h;

/** The app and this device. */
const deviceCalls = (s: Services) =>
  calls({
    'app:getInfo': () => s.appInfo(),
    'settings:get': () => s.settings.get(),
    'settings:update': (patch) => s.settings.update(definedOnly(patch)),
    'agent:getState': () => s.agentState.get(),
    'agent:setState': ({ state, reason }) => s.agentState.set(state, reason),
    'updates:getStatus': () => s.updates.get(),
    'updates:check': () => s.updates.check(),
    'updates:installNow': () => s.updates.installNow(),
  });

/** Softphone and calls: the screen pop, wrap-up and recordings. */
const phoneCalls = (s: Services) =>
  calls({
    'phone:setCallActive': ({ active }) => s.activity.setCallActive(active),
    'phone:setRinging': ({ calls }) => s.activity.setRinging(calls),
    'phone:callAction': ({ callId, action }) => s.activity.callAction(callId, action),
    'phone:getAccount': () => s.phone.get(),
    'phone:saveAccount': ({ account, password }) => s.phone.save(account, password),
    'phone:getCredentials': () => s.phone.credentials(),
    'customers:lookupPhone': ({ phone }) => s.calls.lookupPhone(phone),
    'calls:log': (a) => s.calls.log(a),
    'calls:event': (a) => s.calls.event(a),
    'calls:dial': (a) => s.calls.dial(a),
    'recordings:policy': () => s.recordings.policy(),
    'recordings:save': (a) => s.recordings.save(a),
    'recordings:read': ({ id, offset }) => s.recordings.read(id, offset),
  });

/** Session: sign-in, the cache, sync, and the work the relay offers live. */
const sessionCalls = (s: Services) =>
  calls({
    'session:get': () => s.session.state(),
    'session:login': (a) =>
      s.session.login({
        relayUrl: a.relayUrl,
        email: a.email,
        password: a.password,
        ...definedOnly({ passphrase: a.passphrase, newPassword: a.newPassword }),
      }),
    'session:unlock': ({ passphrase }) => s.session.unlock(passphrase),
    'session:logout': ({ wipe }) => s.session.logout(wipe ?? false),
    'session:discardLostCache': () => s.session.discardLostCache(),
    'sync:listRejected': () => s.session.listRejected(),
    'sync:dismissRejected': ({ id }) => s.session.dismissRejected(id),
    'account:changePassword': ({ currentPassword, newPassword }) =>
      s.session.changePassword(currentPassword, newPassword),
    'inbox:listOffers': () => s.session.listOffers(),
    'inbox:replyOffer': ({ offerId, accept }) => s.session.replyOffer(offerId, accept),
    'inbox:listMovedWhileAway': () => s.session.listMovedWhileAway(),
    'inbox:dismissMovedWhileAway': ({ upTo }) => s.session.dismissMovedWhileAway(upTo),
    'inbox:setTyping': ({ conversationId, on }) => s.session.setTyping(conversationId, on),
  });

/** Customers' profiles. */
const customerCalls = (s: Services) =>
  calls({
    'customers:list': (a) => s.customers.list(a),
    'customers:get': ({ id }) => s.customers.get(id),
    'customers:create': (a) => s.customers.create(a),
    'customers:update': (a) => s.customers.update(a),
    'customers:merge': (a) => s.customers.merge(a),
    'customers:unmerge': ({ sourceId }) => s.customers.unmerge(sourceId),
  });

/** Conversations: the inbox, replies, notes and what an agent looks up while answering. */
const conversationCalls = (s: Services) =>
  calls({
    'conversations:list': (a) => s.conversations.list(a),
    'conversations:labels': () => s.conversations.labels(),
    'conversations:get': (a) => s.conversations.get(a),
    'conversations:addLabel': (a) => s.conversations.addLabel(a),
    'conversations:removeLabel': (a) => s.conversations.removeLabel(a),
    'conversations:setStatus': (a) => s.conversations.setStatus(a),
    'conversations:transfer': (a) => s.conversations.transfer(a),
    'conversations:markRead': ({ id }) => s.conversations.markRead(id),
    'conversations:startEmail': (a) => s.conversations.startEmail(a),
    'messages:send': (a) => s.conversations.sendMessage(a),
    'notes:add': (a) => s.conversations.addNote(a),
    'history:get': (a) => s.conversations.history(a),
    'search:query': (a) => s.conversations.search(a),
    'inbox:directory': () => s.conversations.directory(),
    'inbox:searchCannedReplies': ({ q }) => s.conversations.searchCannedReplies(q),
    'messages:sendAttachment': (a) => s.attachments.send(a),
    'messages:getAttachment': (a) => s.attachments.get(a),
    'messages:remoteImages': (a) => s.attachments.remoteImages(a),
  });

/** Team settings (supervisors, admins), people and the audit log (admins). */
const managerCalls = (s: Services) =>
  calls({
    'teams:getSettings': () => s.teams.get(),
    'teams:setRecording': (a) => s.teams.setRecording(a),
    'teams:setAwayGrace': (a) => s.teams.setAwayGrace(a),
    'teams:setQueueRouting': (a) => s.teams.setQueueRouting(a),
    'teams:setSlaPolicy': (a) => s.teams.setSlaPolicy(a),
    'teams:getWebhook': (a) => s.teams.getWebhook(a),
    'teams:setWebhook': (a) => s.teams.setWebhook(a),
    'teams:removeWebhook': (a) => s.teams.removeWebhook(a),
    'teams:setAgentRouting': (a) => s.teams.setAgentRouting(a),
    'teams:setMonitoring': (a) => s.teams.setMonitoring(a),
    'admin:listPeople': () => s.admin.listPeople(),
    'admin:createPerson': (a) => s.admin.createPerson(a),
    'admin:setDisabled': (a) => s.admin.setDisabled(a),
    'admin:resetPassword': ({ agentId }) => s.admin.resetPassword(agentId),
    'admin:setRole': (a) => s.admin.setRole(a),
    'admin:setTeams': (a) => s.admin.setTeams(a),
    'admin:audit': (a) => s.admin.audit(a),
    'admin:auditCsv': (a) => s.admin.auditCsv(a),
  });

/** The live view and its actions (supervisors, admins), and what they told this agent. */
const supervisorCalls = (s: Services) =>
  calls({
    'supervisor:watch': ({ on }) => s.supervisor.watch(on),
    'supervisor:setStatus': (a) => s.supervisor.setStatus(a),
    'supervisor:logout': (a) => s.supervisor.logout(a),
    'supervisor:assign': (a) => s.supervisor.assign(a),
    'supervisor:whisper': (a) => s.supervisor.whisper(a),
    'supervisor:listNotices': () => s.supervisor.listNotices(),
    'supervisor:dismissNotice': ({ id }) => s.supervisor.dismiss(id),
  });

/** Listen / whisper / barge: live calls, grants and their redemption. */
const monitoringCalls = (s: Services) =>
  calls({
    'monitoring:liveCalls': () => s.monitoring.liveCalls(),
    'monitoring:requestGrant': (a) => s.monitoring.requestGrant(a),
    'monitoring:redeem': (a) => s.monitoring.redeem(a),
    'monitoring:prepare': () => s.monitoring.prepare(),
    'monitoring:end': (a) => s.monitoring.end(a),
  });

/** Reports (supervisors, admins; the last figures offline). */
const reportCalls = (s: Services) =>
  calls({
    'reports:get': (q) => s.reports.get(q),
    'reports:csv': (q) => s.reports.csv(q),
  });
