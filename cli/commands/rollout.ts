// `everynode rollout status|history|restart|pause|resume ds/NAME`.

import type { Command, CommandEnv } from "../command.js";
import { str } from "../command.js";
import type { ParsedFlags } from "../../shared/flags.js";
import type { ControllerRevision, DaemonSet, Pod, PodTemplateSpec } from "../../shared/api-types.js";
import { formatLabelSelector, RESOURCES } from "../../control-plane/kube/index.js";
import { EverynodeError } from "../../shared/errors.js";
import { parseDuration } from "../../shared/duration.js";
import { rfc3339 } from "../../shared/clock.js";
import { usage } from "../error-format.js";
import { parseResourceArgs, resourcePath } from "../resource-args.js";
import { listObjects } from "../fetch.js";
import { ProgressLine } from "../progress.js";
import { daemonSetRolloutStatus, rolloutGroupsTable } from "../rollout-status.js";
import type { ApiClient } from "../api-client.js";
import { DESCRIBE_TABS, alignTabs } from "../printers/tabwriter.js";
import { DescribeWriter } from "../describe/common.js";
import { writePodTemplate } from "../describe/daemonset.js";

function daemonSetName(args: string[]): string {
  const reqs = parseResourceArgs(args);
  const req = reqs[0];
  if (reqs.length !== 1 || !req || req.names.length !== 1)
    throw usage("required resource not specified (e.g. ds/NAME)");
  if (req.info !== RESOURCES.daemonsets)
    throw usage(`no status viewer has been implemented for ${req.info.kind}`);
  return req.names[0] as string;
}

async function status(env: CommandEnv, name: string, p: ParsedFlags): Promise<number> {
  const client = env.client();
  const ns = env.namespace();
  const first = await client.json<DaemonSet>("GET", resourcePath(RESOURCES.daemonsets, ns, name));
  daemonSetRolloutStatus(first);
  const line = new ProgressLine(env.io.out, env.io.outIsTTY);
  const t = str(p, "timeout");
  const timeoutMs = t ? parseDuration(t) : 0;
  const abort = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? env.io.clock.sleep(timeoutMs, abort.signal).then(
          () => ((timedOut = true), abort.abort()),
          () => undefined,
        )
      : undefined;
  let done = false;
  let deleted = false;
  let failed: string | undefined;
  let last: DaemonSet | undefined;
  // The revision this command waits for: the first one the controller has observed.
  let watchedHash: string | undefined;
  const judge = (ds: DaemonSet): void => {
    last = ds;
    if (watchedHash === undefined && (ds.metadata.generation ?? 0) <= (ds.status?.observedGeneration ?? 0))
      watchedHash = ds.status?.rollout?.updateHash;
    const v = daemonSetRolloutStatus(ds, watchedHash);
    if (v.done) {
      line.finish();
      if (!v.failed) env.io.out(`${v.message}\n`);
      failed = v.failed;
      done = true;
      abort.abort();
    } else line.update(v.message);
  };
  const finish = async (): Promise<number> => {
    // The table per node group when revisions are mixed (a partition, a failure), or asked for.
    if (last) {
      const table = await groupsOf(client, ns, last, p.values.nodes === true);
      if (table) env.io.out(table);
    }
    if (failed) throw new EverynodeError("RuntimeError", failed);
    return 0;
  };
  try {
    const listed = await listObjects<DaemonSet>(client, RESOURCES.daemonsets, {
      namespace: ns,
      fieldSelector: `metadata.name=${name}`,
    });
    const item = listed.items[0];
    if (!item) throw new EverynodeError("NotFound", `daemonsets.apps "${name}" not found`);
    judge(item);
    if (p.values.watch === false) {
      line.finish(true);
      return await finish();
    }
    let rv = listed.metadata.resourceVersion;
    while (!done && !abort.signal.aborted) {
      await client.watch(
        resourcePath(RESOURCES.daemonsets, ns),
        {
          signal: abort.signal,
          query: { fieldSelector: `metadata.name=${name}`, resourceVersion: rv, allowWatchBookmarks: "true" },
        },
        (ev) => {
          const obj = ev.object as unknown as DaemonSet;
          if (obj.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
          if (done) return;
          if (ev.type === "ADDED" || ev.type === "MODIFIED") judge(obj);
          else if (ev.type === "DELETED") {
            deleted = true;
            abort.abort();
          }
        },
      );
      if (!done && !abort.signal.aborted) await env.io.clock.sleep(200);
    }
    if (deleted) throw new EverynodeError("NotFound", `daemonsets.apps "${name}" was deleted while waiting`);
    if (timedOut && !done) {
      line.finish(true);
      throw new EverynodeError("Timeout", "timed out waiting for the condition");
    }
    return await finish();
  } finally {
    abort.abort();
    await timer;
  }
}

/** The old/new table per node group, from the DaemonSet's pods. */
async function groupsOf(client: ApiClient, ns: string, ds: DaemonSet, always: boolean): Promise<string> {
  const labelSelector = formatLabelSelector(ds.spec.selector);
  const pods = (
    await listObjects<Pod>(client, RESOURCES.pods, { namespace: ns, labelSelector })
  ).items.filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.uid === ds.metadata.uid));
  const revisions = new Set(pods.map((p) => p.metadata.labels?.["controller-revision-hash"]));
  return always || revisions.size > 1 ? rolloutGroupsTable(ds, pods) : "";
}

/** Sets `rollingUpdate.paused`; a DaemonSet already so is left alone. */
async function setPaused(env: CommandEnv, name: string, paused: boolean): Promise<number> {
  const client = env.client();
  const path = resourcePath(RESOURCES.daemonsets, env.namespace(), name);
  const ds = await client.json<DaemonSet>("GET", path);
  const word = paused ? "paused" : "resumed";
  if ((ds.spec.updateStrategy?.rollingUpdate?.paused === true) === paused) {
    env.io.out(`daemonset.apps/${name} already ${word}\n`);
    return 0;
  }
  await client.json("PATCH", path, {
    body: { spec: { updateStrategy: { rollingUpdate: { paused } } } },
    contentType: "application/merge-patch+json",
    query: { fieldManager: "everynode-rollout" },
  });
  env.io.out(`daemonset.apps/${name} ${word}\n`);
  return 0;
}

async function history(env: CommandEnv, name: string, p: ParsedFlags): Promise<number> {
  const client = env.client();
  const ns = env.namespace();
  const ds = await client.json<DaemonSet>("GET", resourcePath(RESOURCES.daemonsets, ns, name));
  const revisions = (
    await listObjects<ControllerRevision>(client, RESOURCES.controllerrevisions, { namespace: ns })
  ).items
    .filter((r) => (r.metadata.ownerReferences ?? []).some((o) => o.uid === ds.metadata.uid))
    .sort((a, b) => a.revision - b.revision);
  const wanted = str(p, "revision");
  if (wanted && wanted !== "0") {
    const rev = revisions.find((r) => String(r.revision) === wanted);
    if (!rev) throw new EverynodeError("NotFound", `unable to find the specified revision`);
    const data = rev.data as { spec?: { template?: PodTemplateSpec } } | undefined;
    const w = new DescribeWriter();
    writePodTemplate(w, data?.spec?.template);
    env.io.out(`daemonset.apps/${name} with revision #${wanted}\n${w.toString()}`);
    return 0;
  }
  const rows = revisions.map(
    (r) => `${r.revision}\t${r.metadata.annotations?.["kubernetes.io/change-cause"] ?? "<none>"}\n`,
  );
  env.io.out(
    `daemonset.apps/${name} \n${alignTabs(`REVISION\tCHANGE-CAUSE\n${rows.join("")}`, DESCRIBE_TABS)}\n`,
  );
  return 0;
}

async function restart(env: CommandEnv, name: string): Promise<number> {
  await env.client().json("PATCH", resourcePath(RESOURCES.daemonsets, env.namespace(), name), {
    body: {
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": rfc3339(env.io.clock.now()) } },
        },
      },
    },
    contentType: "application/strategic-merge-patch+json",
    query: { fieldManager: "everynode-rollout" },
  });
  env.io.out(`daemonset.apps/${name} restarted\n`);
  return 0;
}

export const rolloutCommand: Command = {
  name: "rollout",
  summary: "Manage the rollout of a DaemonSet (status, history, restart, pause, resume)",
  usage: "everynode rollout status|history|restart|pause|resume ds/NAME",
  flags: [
    {
      name: "watch",
      short: "w",
      type: "boolean",
      default: true,
      description: "status: watch until the rollout ends",
    },
    { name: "timeout", type: "string", description: "status: give up after this long (0: never)" },
    { name: "revision", type: "string", description: "history: show this revision's pod template" },
    {
      name: "nodes",
      type: "boolean",
      default: false,
      description: "status: show old and new pods per node group (shown anyway when revisions are mixed)",
    },
  ],
  async run(env, p) {
    const [sub, ...rest] = p.positionals;
    if (sub === "status") return status(env, daemonSetName(rest), p);
    if (sub === "history") return history(env, daemonSetName(rest), p);
    if (sub === "restart") return restart(env, daemonSetName(rest));
    if (sub === "pause") return setPaused(env, daemonSetName(rest), true);
    if (sub === "resume") return setPaused(env, daemonSetName(rest), false);
    throw usage(`unknown rollout command "${sub ?? ""}" (use status, history, restart, pause or resume)`);
  },
};
