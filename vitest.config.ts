import { defineConfig } from "vitest/config";

// Three projects: fast unit tests next to the code they test; the tests in test/ that run
// real processes, real HTTPS and real SQLite files but start no agent and touch no Docker
// engine; and those that run agents on the real Docker daemon.

/**
 * The integration files that start no agent and never call Docker: they run one after
 * another, beside the Docker files (scripts/test.sh). Test helpers refuse to start an agent
 * or call Docker in them (EVERYNODE_TEST_NO_DOCKER), so a file listed here by mistake fails
 * instead of racing the Docker files for the engine. A new file is a Docker file unless
 * listed.
 */
const WITHOUT_DOCKER = [
  "test/agents/**/*.test.ts",
  "test/api/**/*.test.ts",
  "test/architecture/**/*.test.ts",
  "test/controller/**/*.test.ts",
  "test/deletion/**/*.test.ts",
  "test/fleet/**/*.test.ts",
  "test/helpers/**/*.test.ts",
  "test/metrics/**/*.test.ts",
  "test/security/**/*.test.ts",
  "test/store/**/*.test.ts",
  "test/tokens/**/*.test.ts",
  "test/ui/**/*.test.ts",
  "test/agent/join.test.ts",
  "test/agent/session.test.ts",
  "test/agent/pinned-chain.test.ts",
  "test/agent/metrics-summary.test.ts",
  "test/e2e/placement.test.ts",
];

const integration = {
  testTimeout: 120_000,
  hookTimeout: 120_000,
  // Real daemons and ports: files run one after another so that 2 cores suffice.
  fileParallelism: false,
};

export default defineConfig({
  test: {
    // The default output, then the slowest integration files (the suite's time is their sum).
    reporters: ["default", "./test/setup/slow-files-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "shared/**/*.test.ts",
            "control-plane/**/*.test.ts",
            "agent/**/*.test.ts",
            "cli/**/*.test.ts",
          ],
          testTimeout: 20_000,
          // A temp dir for the run; the run fails naming whatever a test left in it.
          globalSetup: ["test/setup/temp-guard.ts"],
        },
      },
      {
        test: {
          name: "integration-no-docker",
          include: WITHOUT_DOCKER,
          globalSetup: ["test/setup/temp-guard.ts"],
          ...integration,
          env: { EVERYNODE_TEST_NO_DOCKER: "1" },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: WITHOUT_DOCKER,
          // global-setup first: it starts the Docker engine whose containers the guard counts.
          globalSetup: ["test/setup/global-setup.ts", "test/setup/temp-guard.ts"],
          ...integration,
          env: {
            TESTCONTAINERS_RYUK_DISABLED: "true",
            TESTCONTAINERS_HOST_OVERRIDE: "127.0.0.1",
          },
        },
      },
    ],
  },
});
