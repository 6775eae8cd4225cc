// Content negotiation: which representation a client asked for in its Accept header.
// kubectl's get asks for a Table first; typed clients ask for protobuf first, which
// everynode does not speak, so they get JSON (allowed by the API conventions).

/** The Table version requested, or undefined when the client wants plain objects. */
export function tableVersion(accept: string | undefined): "v1" | "v1beta1" | undefined {
  if (!accept) return undefined;
  for (const clause of accept.split(",")) {
    const [type, ...rawParams] = clause.split(";").map((s) => s.trim());
    if (type !== "application/json") continue;
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const eq = p.indexOf("=");
      if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
    }
    if (params.get("as") !== "Table" || params.get("g") !== "meta.k8s.io") continue;
    const v = params.get("v");
    if (v === "v1" || v === "v1beta1") return v;
  }
  return undefined;
}
