// The name grammars of the Kubernetes API (DNS-1123 labels and subdomains, qualified names,
// label values, port names, env var names). Each `...Errors` function returns Kubernetes'
// messages, so that everynode's 422s read like a real apiserver's.

const LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${QUALIFIED_FMT})?`;
const ENV_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*";

const LABEL_RE = new RegExp(`^${LABEL_FMT}$`);
const SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN_FMT}$`);
const QUALIFIED_RE = new RegExp(`^${QUALIFIED_FMT}$`);
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const ENV_RE = new RegExp(`^${ENV_FMT}$`);

/** Kubernetes' regex message: the rule, examples (joined the way Kubernetes joins them) and the regex. */
function regexError(rule: string, fmt: string, ...examples: string[]): string {
  const eg = examples.map((e) => `'${e}', `).join(" or ");
  return `${rule} (e.g. ${eg}regex used for validation is '${fmt}')`;
}

export const maxLenError = (n: number): string => `must be no more than ${n} characters`;

const LABEL_MSG = regexError(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  LABEL_FMT,
  "my-name",
  "123-abc",
);
const SUBDOMAIN_MSG = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  SUBDOMAIN_FMT,
  "example.com",
);
const QUALIFIED_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_MSG = regexError(QUALIFIED_RULE, QUALIFIED_FMT, "MyName", "my.name", "123-abc");
const LABEL_VALUE_MSG = regexError(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  LABEL_VALUE_FMT,
  "MyValue",
  "my_value",
  "12345",
);
const ENV_MSG = regexError(
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
  ENV_FMT,
  "my.env-name",
  "MY_ENV.NAME",
  "MyEnvName1",
);

/** Problems with `value` as a DNS-1123 label (≤63 chars): none means valid. */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!LABEL_RE.test(value)) errs.push(LABEL_MSG);
  return errs;
}

/** Problems with `value` as a DNS-1123 subdomain (≤253 chars). */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!SUBDOMAIN_RE.test(value)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

/** Problems with `value` as a qualified name: an optional DNS subdomain prefix and "/", then ≤63 chars. */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${QUALIFIED_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_RE.test(name)) errs.push(`name part ${QUALIFIED_MSG}`);
  return errs;
}

/** Problems with `value` as a label value (may be empty, ≤63 chars). */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

/** Problems with `value` as a port name (IANA_SVC_NAME). */
export function portNameErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(value))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(value)) errs.push("must contain at least one letter (a-z)");
  if (value.includes("--")) errs.push("must not contain consecutive hyphens");
  if (value.startsWith("-") || value.endsWith("-")) errs.push("must not begin or end with a hyphen");
  return errs;
}

/** Problems with `value` as an environment variable name. */
export function envVarNameErrors(value: string): string[] {
  const errs: string[] = [];
  if (!ENV_RE.test(value)) errs.push(ENV_MSG);
  if (value === ".") errs.push("must not be '.'");
  else if (value === "..") errs.push("must not be '..'");
  else if (value.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

/** Problems with `port` as a port number (1–65535). */
export function portNumberErrors(port: unknown): string[] {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535
    ? []
    : ["must be between 1 and 65535, inclusive"];
}

export const isDns1123Label = (v: string): boolean => dns1123LabelErrors(v).length === 0;
export const isDns1123Subdomain = (v: string): boolean => dns1123SubdomainErrors(v).length === 0;
export const isQualifiedName = (v: string): boolean => qualifiedNameErrors(v).length === 0;
export const isLabelValue = (v: string): boolean => labelValueErrors(v).length === 0;

const CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
const CONFIG_KEY_RE = new RegExp(`^${CONFIG_KEY_FMT}$`);
const CONFIG_KEY_MSG = regexError(
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
  CONFIG_KEY_FMT,
  "key.name",
  "KEY_NAME",
  "key-name",
);

/** Problems with a ConfigMap or Secret key (it becomes a file name in a volume). */
export function configKeyErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!CONFIG_KEY_RE.test(value)) errs.push(CONFIG_KEY_MSG);
  if (value === ".") errs.push(`must not be '.'`);
  else if (value === "..") errs.push(`must not be '..'`);
  else if (value.startsWith("..")) errs.push(`must not start with '..'`);
  return errs;
}

/** Problems with a name that must be one URL path segment (Kubernetes' IsValidPathSegmentName). */
export function pathSegmentNameErrors(value: string): string[] {
  if (value === "." || value === "..") return [`may not be '${value}'`];
  const errs: string[] = [];
  for (const c of ["/", "%"]) if (value.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}
