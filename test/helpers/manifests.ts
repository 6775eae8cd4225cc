// DaemonSet manifests the end-to-end tests apply: one container on the local test image,
// a short termination grace so that deletes and rollouts are quick.

import { TEST_IMAGE } from "./cluster.js";

/** A DaemonSet `name` (label app=name) in default; `container` and `podSpec` add to its template. */
export function webDaemonSet(
  name: string,
  container: Record<string, unknown> = {},
  podSpec: Record<string, unknown> = {},
  terminationGracePeriodSeconds = 2,
): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds,
          containers: [{ name: "main", image: TEST_IMAGE, ...container }],
          ...podSpec,
        },
      },
    },
  };
}
