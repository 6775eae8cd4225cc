// `kubectl get daemonsets` columns.

import type { DaemonSet } from "../../../shared/api-types.js";
import { formatLabelSelector } from "../selectors/label-selector.js";
import {
  ageColumn,
  ageSince,
  column,
  formatLabels,
  nameColumn,
  orNone,
  type Printer,
} from "./table-types.js";

/** Desired, Current, Ready, Up-to-date, Available, Node Selector, Age; wide: Containers, Images, Selector. */
export const daemonSetPrinter: Printer<DaemonSet> = {
  columns: [
    nameColumn("Name"),
    column("Desired", "The total number of nodes that should be running the daemon pod.", {
      type: "integer",
    }),
    column("Current", "The number of nodes running at least one daemon pod and are supposed to.", {
      type: "integer",
    }),
    column(
      "Ready",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
      {
        type: "integer",
      },
    ),
    column("Up-to-date", "The total number of nodes that are running updated daemon pod.", {
      type: "integer",
    }),
    column(
      "Available",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.",
      {
        type: "integer",
      },
    ),
    column("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    ageColumn(),
    column("Containers", "Names of each container in the template.", { wide: true }),
    column("Images", "Images referenced by each container in the template.", { wide: true }),
    column("Selector", "Label selector", { wide: true }),
  ],
  cells(ds, now) {
    const status = ds.status;
    const containers = ds.spec?.template?.spec?.containers ?? [];
    return [
      ds.metadata.name ?? "",
      status?.desiredNumberScheduled ?? 0,
      status?.currentNumberScheduled ?? 0,
      status?.numberReady ?? 0,
      status?.updatedNumberScheduled ?? 0,
      status?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      ageSince(ds.metadata.creationTimestamp, now),
      containers.map((c) => c.name).join(","),
      containers.map((c) => c.image ?? "").join(","),
      orNone(formatLabelSelector(ds.spec?.selector)),
    ];
  },
};
