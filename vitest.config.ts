import { defineConfig } from "vitest/config";

// Two projects: fast unit tests next to the code they test, and the tests in test/ that
// run real processes, real HTTPS, real SQLite files and a real Docker daemon.
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
          name: "integration",
          include: ["test/**/*.test.ts"],
          // global-setup first: it starts the Docker engine whose containers the guard counts.
          globalSetup: ["test/setup/global-setup.ts", "test/setup/temp-guard.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Real daemons and ports: files run one after another so that 2 cores suffice.
          fileParallelism: false,
          env: {
            TESTCONTAINERS_RYUK_DISABLED: "true",
            TESTCONTAINERS_HOST_OVERRIDE: "127.0.0.1",
          },
        },
      },
    ],
  },
});
