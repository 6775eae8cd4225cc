// Structured log lines: one line per event, so that a person reads them and a machine greps
// them. Two formats: `text` (the default: time, level, message, then key=value fields) and
// `json` (one JSON object per line: time, level, msg, then the fields), for log shippers.
// Components get a Logger and make children with fields.

export type LogLevel = "debug" | "info" | "warn" | "error";

export type LogFormat = "text" | "json";

export const LOG_FORMATS: readonly LogFormat[] = ["text", "json"];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A field's value as JSON can carry it: errors by their message, bigints as text. */
function plainValue(v: unknown): unknown {
  if (v instanceof Error) return v.message;
  if (typeof v === "bigint") return v.toString();
  return v;
}

function formatValue(v: unknown): string {
  if (typeof v === "string") return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
  return safeJson(plainValue(v));
}

/** JSON text of a value; one that JSON cannot carry (a cycle) is written as its String(). */
function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? JSON.stringify(String(v));
  } catch {
    return JSON.stringify(String(v));
  }
}

/** The names the json format gives its own keys; a field of the same name is renamed. */
const RESERVED = new Set(["time", "level", "msg"]);

/** One event as a `text` line. */
export function textLine(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  const kv = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(" ");
  return `${time} ${level.toUpperCase().padEnd(5)} ${msg}${kv ? " " + kv : ""}`;
}

/** One event as a `json` line: a single object, so that a field can never break the line. */
export function jsonLine(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  const parts = [`"time":${JSON.stringify(time)}`, `"level":"${level}"`, `"msg":${JSON.stringify(msg)}`];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const key = RESERVED.has(k) ? `field.${k}` : k;
    parts.push(`${JSON.stringify(key)}:${safeJson(plainValue(v))}`);
  }
  return `{${parts.join(",")}}`;
}

export function createLogger(
  options: {
    level?: LogLevel;
    /** Default: EVERYNODE_LOG_FORMAT, else text. */
    format?: LogFormat;
    component?: string;
    write?: (line: string) => void;
    fields?: LogFields;
    /** The time of a line (tests pin it); default the system's. */
    now?: () => Date;
  } = {},
): Logger {
  const level = options.level ?? (process.env.EVERYNODE_LOG_LEVEL as LogLevel | undefined) ?? "info";
  const format = options.format ?? (process.env.EVERYNODE_LOG_FORMAT === "json" ? "json" : "text");
  const line = format === "json" ? jsonLine : textLine;
  const now = options.now ?? (() => new Date());
  const write = options.write ?? ((text: string) => process.stderr.write(text + "\n"));
  const base: LogFields = {
    ...(options.component ? { component: options.component } : {}),
    ...options.fields,
  };
  const out: LogOutput = {
    log(lvl, msg, fields, extra) {
      if (ORDER[lvl] < ORDER[level]) return;
      write(line(now().toISOString(), lvl, msg, { ...fields, ...extra }));
    },
  };
  return new FieldLogger(out, base);
}

/** Where the loggers of one createLogger write, at its level and in its format. */
interface LogOutput {
  log(lvl: LogLevel, msg: string, fields: LogFields, extra?: LogFields): void;
}

/**
 * A logger with its fields. Its methods are on the prototype: a server makes a child per
 * agent connection, and a logger of closures cost ~1 KB each.
 */
class FieldLogger implements Logger {
  constructor(
    private readonly out: LogOutput,
    private readonly fields: LogFields,
  ) {}

  debug(msg: string, fields?: LogFields): void {
    this.out.log("debug", msg, this.fields, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.out.log("info", msg, this.fields, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.out.log("warn", msg, this.fields, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.out.log("error", msg, this.fields, fields);
  }

  child(fields: LogFields): Logger {
    return new FieldLogger(this.out, { ...this.fields, ...fields });
  }
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
