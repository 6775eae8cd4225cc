// Content negotiation for API discovery: which document an Accept header asks for, aggregated
// discovery (apidiscovery v2 or v2beta1) or the legacy documents older clients walk. The
// documents themselves come from the kind registry (control-plane/kube).

/** kubectl only takes the body as aggregated discovery with exactly this Content-Type. */
export const AGGREGATED_CONTENT_TYPE_V2 =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
/** The same for kubectl ≤ 1.29, which asks only for v2beta1. */
export const AGGREGATED_CONTENT_TYPE_V2BETA1 =
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(",")
    .map((part) => {
      const [type = "", ...rest] = part.split(";").map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf("=");
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
      }
      const q = params["q"] === undefined ? 1 : Number(params["q"]);
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((m) => m.type !== "" && m.q > 0);
}

/**
 * Which discovery document answers this Accept header: the aggregated version the client
 * lists first (by q, then order), or the legacy documents when it lists none.
 */
export function negotiateDiscovery(accept: string | undefined): "v2" | "v2beta1" | "legacy" {
  const ranges = parseAccept(accept ?? "")
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.q - a.m.q || a.i - b.i);
  for (const { m } of ranges) {
    const aggregated =
      m.type === "application/json" &&
      m.params["g"] === "apidiscovery.k8s.io" &&
      m.params["as"] === "APIGroupDiscoveryList";
    if (aggregated && (m.params["v"] === "v2" || m.params["v"] === "v2beta1")) return m.params["v"];
  }
  return "legacy";
}
