// Transitional: the resource table moved to control-plane/kube (kinds/resources.ts, derived
// from the registry). This re-export serves only api/delete-handlers.ts and api/deps.ts,
// whose imports another change is editing; once it has landed they import
// control-plane/kube/index.js and this file goes. Nothing new may import it.

export { apiVersionOf, type ResourceName } from "../control-plane/kube/index.js";
