// Where the session gets its node credential: the one in memory, else the one stored in
// the data dir, else a fresh join with the join token. Re-registering (the credential was
// refused, or the node was deleted) throws the old one away and joins again; the node
// secret stays, so the server knows this is the same machine.

import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { RegisterRequest } from "../../shared/protocol.js";
import { deleteCredential, loadCredential, type NodeCredential } from "./credential-store.js";
import { joinOnce, joinWithRetry } from "./join.js";

export interface CredentialSourceOptions {
  server: string;
  joinToken?: string;
  dataDir: string;
  request: () => RegisterRequest;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  signal: AbortSignal;
}

export class CredentialSource {
  private cached: NodeCredential | undefined;

  constructor(private readonly o: CredentialSourceOptions) {}

  /** The credential to connect with, joining first when there is none. */
  async get(): Promise<NodeCredential> {
    if (this.cached) return this.cached;
    const stored = await loadCredential(this.o.dataDir);
    if (stored) {
      // The address given now wins (a server may move); the pinned CA still vouches for it.
      this.cached = this.o.server ? { ...stored, server: this.o.server } : stored;
      if (stored.sentNodeSecret !== true) await this.claimNodeName(this.cached);
      return this.cached;
    }
    if (!this.o.joinToken) {
      throw new EverynodeError(
        "BadToken",
        `not joined yet (no ${this.o.dataDir}/node-credential.json): give --token or --token-file`,
      );
    }
    this.cached = await joinWithRetry({
      server: this.o.server,
      joinToken: this.o.joinToken,
      request: this.o.request(),
      dataDir: this.o.dataDir,
      clock: this.o.clock,
      logger: this.o.logger,
      signal: this.o.signal,
      ...(this.o.random ? { random: this.o.random } : {}),
    });
    return this.cached;
  }

  /**
   * An agent upgraded from before node secrets: the server may hold no secret for its node,
   * and would keep the first one any join-token holder brings. Registering once more now,
   * with this machine's secret, closes that window. Without a join token, or when it fails,
   * the stored credential goes on working and the next start tries again.
   */
  private async claimNodeName(stored: NodeCredential): Promise<void> {
    if (!this.o.joinToken) {
      this.o.logger.warn(
        "this node's secret is not registered with the server yet; start the agent once with --token to register it",
        { node: stored.nodeName },
      );
      return;
    }
    try {
      this.cached = await joinOnce({
        server: stored.server,
        joinToken: this.o.joinToken,
        request: { ...this.o.request(), nodeName: stored.nodeName },
        dataDir: this.o.dataDir,
      });
      this.o.logger.info("registered this node's secret with the server", { node: stored.nodeName });
    } catch (e) {
      this.o.logger.warn(
        `could not register this node's secret yet; trying again at the next start: ${(e as Error).message}`,
        {
          node: stored.nodeName,
        },
      );
    }
  }

  /** Forgets the credential (memory and disk) and joins again with the join token. */
  async rejoin(): Promise<NodeCredential> {
    this.cached = undefined;
    if (!this.o.joinToken) {
      throw new EverynodeError(
        "BadToken",
        "the node credential is no longer valid and no join token was given (--token)",
      );
    }
    await deleteCredential(this.o.dataDir);
    return this.get();
  }

  /** The credential in use, if any (for leaving). */
  current(): NodeCredential | undefined {
    return this.cached;
  }
}
