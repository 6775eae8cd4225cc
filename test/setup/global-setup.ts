// Runs once before the integration tests: installs what they need from Debian's packages
// (scripts/install-test-deps.sh), makes sure a Docker engine answers and builds the test
// images. A missing Docker fails the suite instead of skipping its tests.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export default function setup(): void {
  try {
    execFileSync(path.join(root, "scripts/install-test-deps.sh"), { stdio: "inherit" });
    execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "pipe" });
  } catch (e) {
    throw new Error(
      `The integration tests need a Docker engine and none answers (${(e as Error).message}). ` +
        `Run scripts/install-test-deps.sh as root; the tests do not skip without it.`,
    );
  }
  execFileSync(path.join(root, "scripts/build-test-images.sh"), { stdio: "inherit" });
}
