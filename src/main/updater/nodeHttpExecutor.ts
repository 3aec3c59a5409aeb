import {
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpExecutor } from 'builder-util-runtime';

/**
 * electron-updater's HTTP executor over Node's http/https, for running the update provider
 * outside Electron (tests, the browser host). In Electron, electron-updater uses Chromium's net.
 */
export class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    const req = options.protocol === 'https:' ? httpsRequest : httpRequest;
    // One connection per request: builder-util-runtime adds a timeout listener per request to the socket.
    return req({ ...options, agent: false }, callback);
  }
}
