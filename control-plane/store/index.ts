// The store's entry point: everything else imports the Store contract and openStore().

import type { Clock } from "../../shared/clock.js";
import { encryptingCodec, type KeyRing } from "./secret-encryption.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

export type * from "./store.js";
export type { EncryptionKey, KeyRing } from "./secret-encryption.js";

/** How to open the store. */
export interface OpenStoreOptions {
  /** The SQLite file, or ":memory:" for a store that lives only as long as the process. */
  path: string;
  clock: Clock;
  /** How many recent changes watches can resume from; default 100,000. */
  historySize?: number;
  /** Randomness for generated names (tests pin it); default Math.random. */
  random?: () => number;
  /** Hears how long each transaction that wrote took, in seconds. */
  onWrite?: (seconds: number) => void;
  /** Checkpoint the WAL in a worker thread, off the event loop; hears when that fails and commits checkpoint again. */
  onCheckpointFailure?: (reason: string) => void;
  /** With onCheckpointFailure: how long the WAL must not have grown before it is cut back; default 30 s. */
  walQuietMs?: number;
  /** The keys Secrets are encrypted with (the first writes); without them Secrets are stored plain. */
  encryption?: KeyRing;
}

/** Opens (creating or migrating as needed) the store at `options.path`. */
export function openStore(options: OpenStoreOptions): Store {
  return new SqliteStore({
    path: options.path,
    clock: options.clock,
    historySize: options.historySize ?? 100_000,
    random: options.random ?? Math.random,
    ...(options.onWrite ? { onWrite: options.onWrite } : {}),
    ...(options.onCheckpointFailure
      ? {
          backgroundCheckpoints: {
            onFailure: options.onCheckpointFailure,
            ...(options.walQuietMs !== undefined ? { walQuietMs: options.walQuietMs } : {}),
          },
        }
      : {}),
    ...(options.encryption ? { codec: encryptingCodec(options.encryption) } : {}),
  });
}
