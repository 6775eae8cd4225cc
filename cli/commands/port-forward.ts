// `everynode port-forward (POD | TYPE/NAME) [LOCAL:]REMOTE... [--address ADDR]`, as
// kubectl's: listens on local ports and carries each TCP connection to the pod's port over
// its own port-forward WebSocket (`v4.channel.k8s.io`, ?ports=REMOTE), until interrupted.

import net from "node:net";
import type { Command, CommandEnv } from "../command.js";
import { list } from "../command.js";
import { usage } from "../error-format.js";
import { podFor } from "../pod-target.js";
import { listenAddresses, parsePortSpec, printedAddress, type PortSpec } from "../port-forward-spec.js";
import { openStreamSocket } from "../stream-socket.js";
import {
  decodeServerFrame,
  encodeFrame,
  PORT_FORWARD_CHANNEL_PROTOCOL,
} from "../../shared/channel-protocol.js";
import { EverynodeError } from "../../shared/errors.js";

/** Carries one accepted connection to the pod's port. */
async function forward(env: CommandEnv, path: string, spec: PortSpec, tcp: net.Socket): Promise<void> {
  const query = new URLSearchParams({ ports: String(spec.remote) });
  const socket = await openStreamSocket(env.client().webSocketTarget(path, query), [
    PORT_FORWARD_CHANNEL_PROTOCOL,
  ]);
  // Each channel's first message is the port it is for; what follows is data (0) or an error (1).
  const prefixed = new Set<number>();
  socket.onMessage((message) => {
    const frame = decodeServerFrame(message);
    if (!frame) return;
    if (!prefixed.has(frame.channel)) return void prefixed.add(frame.channel);
    if (frame.channel === 0) {
      if (!tcp.write(frame.data)) {
        socket.pause();
        tcp.once("drain", () => socket.resume());
      }
    } else if (frame.channel === 1 && frame.data.length > 0) {
      env.io.err(`error forwarding port ${spec.remote} to pod: ${frame.data.toString("utf8")}\n`);
      tcp.destroy();
    }
  });
  tcp.on("data", (data: Buffer) => {
    tcp.pause();
    socket
      .send(encodeFrame(0, data))
      .then(() => tcp.resume())
      .catch(() => tcp.destroy());
  });
  tcp.on("end", () => socket.close());
  tcp.on("error", () => socket.close());
  await socket.closed;
  tcp.end();
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export const portForwardCommand: Command = {
  name: "port-forward",
  summary: "Forward one or more local ports to a pod",
  usage: "everynode port-forward (POD | TYPE/NAME) [LOCAL_PORT:]REMOTE_PORT... [--address ADDR]",
  flags: [
    {
      name: "address",
      type: "list",
      description: "addresses to listen on, comma separated (default localhost: 127.0.0.1 and ::1)",
    },
  ],
  async run(env, p) {
    const [target, ...portArgs] = p.positionals;
    if (!target || portArgs.length === 0)
      throw usage("TYPE/NAME and list of ports are required for port-forward");
    const pod = await podFor(env, target, "port-forward to");
    if (pod.status?.phase !== "Running")
      throw new EverynodeError(
        "Conflict",
        `unable to forward port because pod is not running. Current status=${pod.status?.phase ?? "Unknown"}`,
      );
    const specs = portArgs.map((a) => parsePortSpec(a, pod));
    const path = `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? env.namespace())}/pods/${encodeURIComponent(pod.metadata.name ?? "")}/portforward`;
    const servers: net.Server[] = [];
    const close = (): void => servers.forEach((s) => s.close());
    try {
      for (const spec of specs) {
        for (const address of listenAddresses(list(p, "address"))) {
          const server = net.createServer((tcp) => {
            env.io.out(`Handling connection for ${spec.local}\n`);
            forward(env, path, spec, tcp).catch((e: unknown) => {
              env.io.err(`error forwarding port ${spec.remote}: ${(e as Error).message}\n`);
              tcp.destroy();
            });
          });
          try {
            // One free port for every address of a spec: the first listener picks it.
            spec.local = await listen(server, spec.local, address);
          } catch (e) {
            env.io.err(`Unable to listen on port ${spec.local} on ${address}: ${(e as Error).message}\n`);
            continue;
          }
          servers.push(server);
          env.io.out(`Forwarding from ${printedAddress(address, spec.local)} -> ${spec.remote}\n`);
        }
      }
      if (servers.length === 0)
        throw new EverynodeError("Unreachable", "unable to listen on any of the requested ports");
      // Until interrupted, as kubectl.
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      return 0;
    } finally {
      close();
    }
  },
};
