// The agent protocol: versioned JSON messages over one WebSocket per agent. Everything a
// person or a tool touches is the Kubernetes-shaped HTTP API; this channel is only between
// everynode's own control plane and its agents.
//
// Flow: the agent registers over HTTPS (POST /agent/v1/register with a join token, getting
// a node credential), then opens wss://HOST/agent/v1/connect with that credential as a
// bearer token and sends `hello`. The server answers `welcome`, then sends `assignments`
// (the node's complete pod set with an increasing revision) on connect and after every
// change. The agent heartbeats (at the interval welcome gives, or a later `pace` message)
// and reports pod statuses (acked by sequence number).
//
// One file per part, all exported from here: constants.ts (version, paths, close codes,
// limits), registration.ts (HTTP), agent-messages.ts and server-messages.ts (the WebSocket's
// two directions), decoding.ts (the checks at the edge).

export * from "./protocol/constants.js";
export * from "./protocol/registration.js";
export * from "./protocol/agent-messages.js";
export * from "./protocol/server-messages.js";
export * from "./protocol/decoding.js";
