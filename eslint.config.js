// Lint rules for everynode. Besides the usual TypeScript checks, it keeps each side effect
// at its edge: only the store touches SQLite, only the runtime touches Docker, only the
// socket files touch ws.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

const edge = (pkg, allowed) => ({
  ignores: allowed,
  files: ["**/*.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      { paths: [{ name: pkg, message: `only ${allowed.join(", ")} may import ${pkg}` }] },
    ],
  },
});

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".everynode/**"] },
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
  edge("better-sqlite3", ["control-plane/store/sqlite-store.ts"]),
  edge("dockerode", ["agent/runtime/docker-runtime.ts", "test/**"]),
  edge("ws", [
    "control-plane/agents/agent-socket-server.ts",
    "agent/session/control-plane-socket.ts",
    // The fleet simulator's agent sockets and the bare-ws floor it is compared with.
    "bench/fleet/sim-socket.ts",
    "bench/fleet/ws-floor-server.ts",
    "test/**",
  ]),
);
