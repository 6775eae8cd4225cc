// Structured log lines: one line per event, fields as key=value, so that a person reads
// them and a machine greps them. Components get a Logger and make children with fields.

export type LogLevel = "debug" | "info" | "warn" | "error";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === "string") return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

export function createLogger(
  options: {
    level?: LogLevel;
    component?: string;
    write?: (line: string) => void;
    fields?: LogFields;
  } = {},
): Logger {
  const level = options.level ?? (process.env.EVERYNODE_LOG_LEVEL as LogLevel | undefined) ?? "info";
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const base: LogFields = {
    ...(options.component ? { component: options.component } : {}),
    ...options.fields,
  };
  const make = (fields: LogFields): Logger => {
    const log = (lvl: LogLevel, msg: string, extra?: LogFields): void => {
      if (ORDER[lvl] < ORDER[level]) return;
      const all = { ...fields, ...extra };
      const kv = Object.entries(all)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${formatValue(v)}`)
        .join(" ");
      write(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${msg}${kv ? " " + kv : ""}`);
    };
    return {
      debug: (m, f) => log("debug", m, f),
      info: (m, f) => log("info", m, f),
      warn: (m, f) => log("warn", m, f),
      error: (m, f) => log("error", m, f),
      child: (f) => make({ ...fields, ...f }),
    };
  };
  return make(base);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
