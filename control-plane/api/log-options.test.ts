import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import { chooseContainer, parseLogOptions } from "./log-options.js";

function pod(containers: string[], annotation?: string): Pod {
  const p: Pod = { metadata: { name: "web-1" }, spec: { containers: containers.map((name) => ({ name })) } };
  if (annotation) p.metadata.annotations = { "kubectl.kubernetes.io/default-container": annotation };
  return p;
}

describe("chooseContainer", () => {
  it.each<[string[], string | undefined, string | null, string]>([
    [["web"], undefined, null, "web"],
    [["web", "sidecar"], undefined, "sidecar", "sidecar"],
    [["web", "sidecar"], "sidecar", null, "sidecar"],
    [["web", "sidecar"], "sidecar", "web", "web"],
  ])("%j annotation=%s requested=%s → %s", (containers, annotation, requested, expected) => {
    expect(chooseContainer(pod(containers, annotation), requested)).toBe(expected);
  });

  it("asks for a name when there are several and none is named", () => {
    expect(() => chooseContainer(pod(["a", "b"]), null)).toThrow(
      "a container name must be specified for pod web-1, choose one of: [a b]",
    );
  });

  it("refuses a container the pod does not have", () => {
    expect(() => chooseContainer(pod(["a"]), "zzz")).toThrow(EverynodeError);
  });
});

describe("parseLogOptions", () => {
  it("reads every option", () => {
    const q = new URLSearchParams(
      "follow=true&tailLines=10&timestamps=1&previous=false&sinceSeconds=60&limitBytes=500",
    );
    expect(parseLogOptions(pod(["web"]), q)).toEqual({
      container: "web",
      follow: true,
      timestamps: true,
      previous: false,
      tailLines: 10,
      sinceSeconds: 60,
      limitBytes: 500,
    });
  });

  it.each(["tailLines=-1", "sinceSeconds=0", "limitBytes=abc"])("rejects %s with a 400", (query) => {
    try {
      parseLogOptions(pod(["web"]), new URLSearchParams(query));
      expect.unreachable();
    } catch (e) {
      expect((e as EverynodeError).httpStatus).toBe(400);
    }
  });
});
