import type { KeyObject } from 'node:crypto';
import type { UpdateInfo } from 'builder-util-runtime';
import type { AppUpdater } from 'electron-updater';
import {
  parseUpdateInfo,
  Provider,
  resolveFiles,
  type ProviderRuntimeOptions,
} from 'electron-updater/out/providers/Provider';
import type { ResolvedUpdateFileInfo } from 'electron-updater/out/types';
import { getChannelFilename, newUrlFromBase } from 'electron-updater/out/util';
import { verifyFeed, type Feed, type FeedCheck } from './feed';

/** Options of `autoUpdater.setFeedURL({ provider: 'custom', updateProvider: SignedFeedProvider, ... })`. */
export type SignedFeedOptions = {
  provider: 'custom';
  /** Base URL of the channel's folder, e.g. `https://relay.example/updates/stable/`. */
  url: string;
  publicKey: KeyObject;
  /** The channel the app belongs to; the feed must have been signed for it. */
  switchboardChannel: string;
  currentVersion: string;
  /** Told about every verified feed (to keep its sha512 and deadline) and every refusal. */
  onFeed: (result: FeedCheck) => void;
};

/**
 * electron-updater provider that downloads `latest*.yml` and its detached `.sig`, and refuses the
 * feed unless IT's Ed25519 key signed those exact bytes, for this channel, with a newer version.
 * Only then does electron-updater see it (and check the download's sha512 against it).
 */
export class SignedFeedProvider extends Provider<UpdateInfo> {
  private readonly opts: SignedFeedOptions;
  private readonly baseUrl: URL;

  constructor(
    options: SignedFeedOptions,
    _updater: AppUpdater | null,
    runtimeOptions: ProviderRuntimeOptions,
  ) {
    super(runtimeOptions);
    this.opts = options;
    this.baseUrl = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  }

  /** `latest`, `latest-mac` or `latest-linux` (electron-builder's names for the feed per OS). */
  get channelFile(): string {
    return getChannelFilename(this.getDefaultChannelName());
  }

  resolveFiles(updateInfo: UpdateInfo): ResolvedUpdateFileInfo[] {
    return resolveFiles(updateInfo, this.baseUrl);
  }

  async getLatestVersion(): Promise<UpdateInfo> {
    const file = this.channelFile;
    const feedUrl = newUrlFromBase(file, this.baseUrl, true);
    const sigUrl = newUrlFromBase(`${file}.sig`, this.baseUrl, true);
    const text = await this.httpRequest(feedUrl);
    let signature: string | null = null;
    try {
      signature = await this.httpRequest(sigUrl);
    } catch {
      signature = null; // reported below as unsigned
    }
    const result = verifyFeed({
      feed: Buffer.from(text ?? '', 'utf8'),
      signature,
      publicKey: this.opts.publicKey,
      channel: this.opts.switchboardChannel,
      currentVersion: this.opts.currentVersion,
    });
    this.opts.onFeed(result);
    if (!result.ok) {
      const err = new Error(result.message) as Error & { code: string };
      err.code = result.code;
      throw err;
    }
    return parseUpdateInfo(text, file, feedUrl);
  }
}

export type { Feed };
