// Removes every container a test made, found by a label, so a failed test leaves nothing.

import Docker from "dockerode";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });

/** Force-removes all containers carrying `key=value`. */
export async function removeByLabel(key: string, value: string): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${key}=${value}`] } });
  await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
  return list.length;
}

/** `docker kill` of one container. */
export async function killContainer(id: string): Promise<void> {
  await docker.getContainer(id).kill();
}

/** The raw `docker inspect` of a container. */
export function inspectRaw(id: string): Promise<Docker.ContainerInspectInfo> {
  return docker.getContainer(id).inspect();
}

/**
 * Waits (real time: Docker works at its own pace) until `cond` resolves true; on timeout the
 * error carries `explain()`, what was seen instead.
 */
export async function eventually(
  cond: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
  explain?: () => Promise<string> | string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) {
      throw new Error(`condition not met in time${explain ? `: ${await explain()}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
