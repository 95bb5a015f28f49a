/**
 * Structured JSON logs (pino). Every request logs through a child carrying
 * its request id. Secrets are kept out by core's one secret rule
 * (`Secrets`), never a list of the gateway's own: every field named a
 * secret (`authorization`, `X-Api-Key`, `refresh_token`, … at any depth)
 * has its value redacted, and so has every URL's credentials and every
 * `token=…`-shaped pair in a string; and each line loses the configured
 * token and keys by value, whatever path they took into it.
 */
import { Secrets } from "@fruxkit/core"
import pino, { type DestinationStream, type Logger } from "pino"

export interface LoggerOptions {
  readonly level: string
  /** Values that must never appear in a log line. */
  readonly secrets: ReadonlyArray<string>
  /** Defaults to stdout; tests pass a capturing stream. */
  readonly destination?: DestinationStream
}

/** How to write a line straight to a logger's destination, for loggers made by createLogger. */
const directLines = new WeakMap<Logger, { readonly destination: DestinationStream; readonly scrub: (text: string) => string }>()

const BASE = { service: "fruxkit-gateway" }

export const createLogger = (options: LoggerOptions): Logger => {
  const scrub = Secrets.valueRedactor(options.secrets)
  const destination = options.destination ?? batched(pino.destination({ dest: 1, sync: true, contentMode: "buffer" }) as unknown as Out)
  const logger = pino(
    {
      level: options.level,
      base: BASE,
      // Lines other than the access line are few (start, stop, errors): each field is walked, and the
      // written line is read again as free text (a child's bindings, such as the request id, skip the formatter).
      formatters: { log: redactFields },
      hooks: { streamWrite: (line) => scrub(Secrets.redactFreeText(line)) }
    },
    destination
  )
  directLines.set(logger, { destination, scrub })
  return logger
}

/** A line's fields by core's rule: secret-named fields redacted, strings read as free text (URLs, `token=…` pairs). */
const redactFields = (fields: Record<string, unknown>): Record<string, unknown> =>
  Secrets.redactValue(fields, 16, Secrets.redactFreeText) as Record<string, unknown>

/**
 * A request path as a line shows it: by core's rule, read as sent and, when
 * it holds percent-escapes, decoded too (`http:%2F%2Fu:pw@h` hides a URL's
 * credentials from a reading of the raw text); the decoded reading is shown
 * only when it had something to redact.
 */
const shownPath = (path: string): string => {
  const asSent = Secrets.redactFreeText(path)
  if (!path.includes("%")) return asSent
  try {
    const decoded = decodeURIComponent(path)
    const redacted = Secrets.redactFreeText(decoded)
    return redacted === decoded ? asSent : redacted
  } catch {
    return asSent
  }
}

/** The fields of one access line (request-id, method, path, route, status, duration, caller). */
export interface AccessLine {
  readonly requestId: string
  /** The gateway made the id (request-id's generator: base64url, digits, `-`): written as is, with no search for secrets in it. */
  readonly requestIdGenerated?: boolean
  readonly method: string
  readonly path: string
  readonly route: string
  readonly status: number
  readonly durationMs: number
  readonly principal: string | undefined
}

const LEVELS = { info: 30, warn: 40 } as const
/** Each level's line up to its time: one constant string instead of three pieces and a number's text. */
const LINE_START = { info: `{"level":${LEVELS.info},"time":`, warn: `{"level":${LEVELS.warn},"time":` } as const

/**
 * A writer for the access line every request logs, in exactly the JSON pino
 * writes (same keys, same order, scrubbed the same way), serialised by hand:
 * through pino, the line cost several µs of CPU per request (measured; see
 * the README's Benchmarks). A logger not made by createLogger (a test's own)
 * gets the line through pino.
 */
export const accessLineWriter = (logger: Logger): ((level: keyof typeof LEVELS, line: AccessLine, msg: string) => void) => {
  const direct = directLines.get(logger)
  if (direct === undefined) {
    return (level, line, msg) => {
      // The flag says how to write the id; it is not a field of the line.
      const { requestIdGenerated: _generated, ...fields } = line
      logger[level](fields, msg)
    }
  }
  const { destination, scrub } = direct
  // One timestamp text per millisecond: under load, many lines share it.
  let now = 0
  let nowText = "0"
  // Every value a line takes from elsewhere loses the configured secrets, as every other line does
  // (there, the whole written line is searched; here each value is, which finds the same secrets —
  // one is never made of the line's fixed JSON around a value). Method, route, caller, message and
  // mostly the path repeat from one line to the next: each is scrubbed and quoted once per new value.
  const methodJson = lastJsonString(scrub)
  const routeJson = lastJsonString(scrub)
  const principalJson = lastJsonString(scrub)
  const msgJson = lastJsonString(scrub)
  // The two fields a caller writes (X-Request-Id, the path) by the same rule as every other line.
  const pathJson = lastJsonString((path) => scrub(shownPath(path)))
  return (level, line, msg) => {
    if (!logger.isLevelEnabled(level)) return
    const time = Date.now()
    if (time !== now) {
      now = time
      nowText = String(time)
    }
    const text =
      `${LINE_START[level]}${nowText},"service":"fruxkit-gateway"` +
      `,"requestId":${line.requestIdGenerated === true ? `"${line.requestId}"` : jsonString(scrub(Secrets.redactFreeText(line.requestId)))},"method":${methodJson(line.method)},"path":${pathJson(line.path)}` +
      `,"route":${routeJson(line.route)},"status":${line.status},"durationMs":${hundredthsText(line.durationMs)}` +
      (line.principal === undefined ? "" : `,"principal":${principalJson(line.principal)}`) +
      `,"msg":${msgJson(msg)}}\n`
    destination.write(text)
  }
}

/** What JSON would escape in a string: quotes, backslashes, control characters, lone surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

/**
 * A string as JSON text. Access-line values (ids, methods, paths, route
 * names) almost never need escaping, and quoting them directly is cheaper
 * than JSON.stringify (pino does the same for short strings).
 */
const jsonString = (value: string): string => (NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`)

/** `jsonString` of `shown(value)`, remembering its last value: a repeated value costs a comparison instead of scans. */
const lastJsonString = (shown: (value: string) => string): ((value: string) => string) => {
  let last: string | undefined
  let lastJson = ""
  return (value) => {
    if (value !== last) {
      last = value
      lastJson = jsonString(shown(value))
    }
    return lastJson
  }
}

/**
 * A number as JSON text, made from integers when it is a whole number of
 * hundredths (a duration rounded as writeAccessLog rounds it): the same text
 * as `String(ms)`, without the general float-to-text conversion (measured:
 * about a third of the cost of that step).
 */
export const hundredthsText = (ms: number): string => {
  const hundredths = Math.round(ms * 100)
  if (!(hundredths >= 0 && hundredths < 1e15 && hundredths / 100 === ms)) return String(ms)
  const whole = Math.floor(hundredths / 100)
  const fraction = hundredths - whole * 100
  if (fraction === 0) return String(whole)
  if (fraction % 10 === 0) return `${whole}.${fraction / 10}`
  return `${whole}.${fraction < 10 ? "0" : ""}${fraction}`
}

/** pino's synchronous sonic-boom, in its buffer mode (it is given the batches' bytes). */
interface Out {
  write(bytes: Buffer): boolean
  flush(cb?: (error?: Error) => void): void
  flushSync(): void
}

/** Every batching destination, drained on exit (before pino's own exit hook flushes sonic-boom: this one is registered first). */
const live = new Set<{ drain: () => void }>()
process.on("exit", () => {
  for (const destination of live) destination.drain()
})

/**
 * Lines are collected in a buffer and written to stdout together,
 * synchronously (pino's own default is a synchronous sonic-boom): at most
 * `LOG_BATCH_MS` after the first of them, or before the buffer would pass
 * `LOG_BATCH_BYTES`. Measured under load
 * (README, Benchmarks): a write per line — or per event-loop turn — cost
 * several µs of CPU per request in system calls and wake-ups of the reader
 * (an asynchronous sonic-boom write per line, ≈ 20 µs). Lines still pending
 * when the process exits (a signal, an uncaught error, process.exit) are
 * written first; only a SIGKILL can lose them, at most one batch.
 */
const LOG_BATCH_MS = 10
const LOG_BATCH_BYTES = 16 * 1024

const batched = (out: Out): DestinationStream & { flush: (cb?: (error?: Error) => void) => void; flushSync: () => void } => {
  // Each line is encoded into the batch's buffer as it is logged, so the
  // string dies young: holding the strings until the batch was written kept
  // them alive across scavenges (measured: ≈ 3 µs of CPU per access line).
  let batch = Buffer.allocUnsafe(LOG_BATCH_BYTES)
  let used = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const drain = () => {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    if (used === 0) return
    const full = batch.subarray(0, used)
    // The destination may keep the bytes (a partial write): the next batch gets a new buffer.
    batch = Buffer.allocUnsafe(LOG_BATCH_BYTES)
    used = 0
    out.write(full)
  }
  live.add({ drain })
  return {
    write: (line: string) => {
      // At most 3 bytes per UTF-16 unit: a bound that needs no pass over the text to count its bytes.
      const most = line.length * 3
      if (used + most > LOG_BATCH_BYTES) drain()
      if (most > LOG_BATCH_BYTES) {
        out.write(Buffer.from(line))
        return true
      }
      used += batch.write(line, used)
      if (timer === undefined) {
        timer = setTimeout(drain, LOG_BATCH_MS)
        // Pending lines never keep the process alive: exit drains them.
        timer.unref()
      }
      return true
    },
    flush: (cb) => {
      drain()
      out.flush(cb)
    },
    flushSync: () => {
      drain()
      out.flushSync()
    }
  }
}
