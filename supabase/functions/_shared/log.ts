/**
 * Structured logging: one JSON object per line, which the Edge runtime's log explorer can filter.
 *
 * @module
 */

/** One log record. Callers pass only safe, already chosen fields: never a token or a body. */
export interface LogEntry {
  level: "info" | "warn" | "error";
  msg: string;
  [field: string]: unknown;
}

/** Where log records go; tests pass a recorder. */
export interface Logger {
  log(entry: LogEntry): void;
}

/**
 * A logger that writes each record as one JSON line.
 *
 * @example
 * ```ts
 * const logger = createJsonLogger();
 * logger.log({ level: "info", msg: "request", status: 201 });
 * // {"level":"info","msg":"request","status":201}
 * ```
 */
export function createJsonLogger(write: (line: string) => void = console.log): Logger {
  return {
    log(entry) {
      write(JSON.stringify(entry));
    },
  };
}
