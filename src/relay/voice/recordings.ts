import type { IncomingMessage, ServerResponse } from 'node:http';
import { UUID_RE } from '../../shared/sync/ids';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { methodNotAllowed, RelayError } from '../core/errors';
import { guarded } from '../core/guard';
import { sendError, sendJson } from '../http/reply';
import { decodeParam, targetOf } from '../http/requestTarget';
import { RELAY_ROUTES, routeRegex } from '../../shared/relayRoutes';
import { recordingContext, sweep, type RecordingsDeps } from './recordingStore';
import { caller, download, setPolicy, upload } from './recordingRoutes';

export type { RecordingsOptions } from './recordingStore';

// PUT (admins, supervisors) sets a team's policy; GET and PUT of a recording are its audio.
const TEAM_RECORDING = routeRegex(RELAY_ROUTES.teamRecording);
const RECORDING = routeRegex(RELAY_ROUTES.recording);

/**
 * Call recordings: an agent's app uploads the mixed audio of a recorded call once its call record
 * has reached the relay (`PUT /v1/recordings/:id?call=<callId>`, the bytes as the body); the relay
 * encrypts it at rest (AES-256-GCM, key in `<data>/recording.key`, 0600) and plays it back
 * (`GET /v1/recordings/:id`) to those who may see the conversation and whose role the team's
 * policy allows. `PUT /v1/admin/teams/:id/recording` sets a team's policy (admins, the team's
 * supervisors). Returns false for other routes. [maxBytes=64 MiB] [sweepIntervalMs=3600000]
 */
export function createRecordings(d: RecordingsDeps) {
  const c = recordingContext(d);
  // One sweep at a time (a tick while one runs is skipped); the first, at start, is done before
  // any recording is served.
  let running: Promise<void> | null = null;
  const sweepOnce = (): Promise<void> =>
    (running ??= sweep(c)
      .then(() => undefined)
      .finally(() => {
        running = null;
      }));
  const started = sweepOnce().catch((err: unknown) =>
    d.log.error({ err }, 'recording retention sweep failed'),
  );
  const sweeper = setInterval(
    guarded(d.log, 'recording retention sweep', () => (running ? undefined : sweepOnce())),
    d.options?.sweepIntervalMs ?? 3_600_000,
  );
  sweeper.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const { path, query } = targetOf(req);
    const team = TEAM_RECORDING.exec(path);
    const rec = RECORDING.exec(path);
    if (!team && !rec) return false;
    try {
      await started;
      if (team) {
        if (req.method !== 'PUT') throw methodNotAllowed(`${req.method} is not allowed here.`, ['PUT']);
        sendJson(res, 200, await setPolicy(c, req, decodeParam(team[1]!)));
        return true;
      }
      await caller(c, req); // who calls before what they name
      const id = decodeParam(rec![1]!);
      if (!UUID_RE.test(id)) throw new RelayError(RELAY_ERR.NOT_FOUND, 'There is no such recording (yet).');
      if (req.method === 'PUT') sendJson(res, 200, await upload(c, req, id, query.get('call')));
      else if (req.method === 'GET') await download(c, req, res, id);
      else throw methodNotAllowed(`${req.method} is not allowed here.`, ['GET', 'PUT']);
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
  return Object.assign(handle, {
    /** Stops the sweeps; resolves once the one under way is done. */
    close: async (): Promise<void> => {
      clearInterval(sweeper);
      await running?.catch(() => undefined);
    },
  });
}
