// The kubeconfig the server writes for its admin: kubectl, @kubernetes/client-node and
// everynode's own CLI all read it.

import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";

export interface KubeconfigOptions {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  caPem: string;
  token: string;
  /** Also the context's name; "everynode" by default. */
  clusterName?: string;
  userName?: string;
}

/** A kubeconfig (YAML) with one cluster, one token user and one current context. */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  const cluster = opts.clusterName ?? "everynode";
  const user = opts.userName ?? "admin";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: cluster,
        cluster: {
          server: opts.server,
          "certificate-authority-data": Buffer.from(opts.caPem, "utf8").toString("base64"),
        },
      },
    ],
    users: [{ name: user, user: { token: opts.token } }],
    contexts: [{ name: cluster, context: { cluster, user } }],
    "current-context": cluster,
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600 (it holds a token), creating its directories. */
export async function writeKubeconfig(file: string, opts: KubeconfigOptions): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // Written aside and renamed, so that a reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, renderKubeconfig(opts), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
