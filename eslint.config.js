// Lint rules for everynode. Besides the usual TypeScript checks, it keeps each side effect
// at its edge: only the store touches SQLite, only the runtime touches Docker, only the
// socket files touch ws; and control-plane/kube stays pure.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

// Each side effect's package and the files that may import it.
const EDGES = {
  "better-sqlite3": [
    "control-plane/store/sqlite-store.ts",
    "control-plane/store/checkpointer.ts",
    "control-plane/store/*.test.ts",
  ],
  dockerode: ["agent/runtime/docker-runtime.ts", "test/**"],
  ws: [
    "control-plane/agents/agent-socket-server.ts",
    "agent/session/control-plane-socket.ts",
    // kubectl's exec, attach and port-forward WebSockets.
    "control-plane/streams/stream-socket-server.ts",
    // The CLI's exec, cp and port-forward.
    "cli/stream-socket.ts",
    // The fleet simulator's agent sockets and the bare-ws floor it is compared with.
    "bench/fleet/sim-socket.ts",
    "bench/fleet/ws-floor-server.ts",
    "test/**",
  ],
};
const edgePaths = (except) =>
  Object.entries(EDGES)
    .filter(([, allowed]) => !allowed.includes(except))
    .map(([name, allowed]) => ({ name, message: `only ${allowed.join(", ")} may import ${name}` }));
const restrict = (paths, patterns = []) => ({ "no-restricted-imports": ["error", { paths, patterns }] });

// control-plane/kube is pure Kubernetes object semantics: no HTTP, no sockets, no files, no
// store, and nothing of the parts that use it (see control-plane/kube/README.md).
const KUBE_PURE = "control-plane/kube is pure: no HTTP, sockets, files or store";
const kubePaths = [
  ...["express", "ws", "better-sqlite3", "dockerode"],
  ...["http", "https", "net", "tls", "fs", "fs/promises"].flatMap((m) => [m, `node:${m}`]),
].map((name) => ({ name, message: KUBE_PURE }));
const kubePatterns = [
  {
    group: ["**/api/**", "**/store/**", "**/controller/**", "**/agents/**"],
    message: "control-plane/kube imports nothing from control-plane/api, store, controller or agents",
  },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".everynode/**", ".tmp/**", "tutorial/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Tests read API answers as plain JSON.
    files: ["test/**/*.ts", "**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  // One config per group of files: a later config's options replace an earlier one's.
  { files: ["**/*.ts"], rules: restrict(edgePaths()) },
  {
    files: ["control-plane/kube/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: restrict(kubePaths, kubePatterns),
  },
  ...[...new Set(Object.values(EDGES).flat())].map((glob) => ({
    files: [glob],
    rules: restrict(edgePaths(glob)),
  })),
);
