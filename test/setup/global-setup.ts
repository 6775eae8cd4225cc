// Runs once before the integration tests: makes sure a Docker engine answers and the test
// images exist. A missing Docker fails the suite instead of skipping its tests.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export default function setup(): void {
  try {
    execFileSync(path.join(root, "scripts/ensure-docker.sh"), { stdio: "inherit" });
    execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "pipe" });
  } catch (e) {
    throw new Error(
      `The integration tests need a Docker engine and none answers (${(e as Error).message}). ` +
        `Install docker.io and run scripts/ensure-docker.sh; the tests do not skip without it.`,
    );
  }
  execFileSync(path.join(root, "scripts/build-test-images.sh"), { stdio: "inherit" });
}
