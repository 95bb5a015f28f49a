/**
 * What `fruxkit <command>` exits with: the Fruxon CLI's table, kept here only.
 * `--help`, `describe --json`, the README and the JSON error envelope's
 * `code`/`exit_code` all read `EXIT_CODE_TABLE`; every error reaches a row
 * through `rowOfError`, an exhaustive match over core's error union, so a new
 * variant in core is a type error here until it is given a row.
 */
import type { EvaluationRunTimeout, FruxonError as CoreErrors } from "@fruxkit/core"

type FruxonError = CoreErrors.FruxonError

export const EXIT_CODE_TABLE = [
  { code: 0, name: "ok", meaning: "success; a gate that was asked for passed" },
  {
    code: 1,
    name: "gate_failed",
    meaning:
      "a gate failed (score below --fail-under, regressions over --max-regressions, recommendation not DEPLOY with --require-deploy, run FAILED/CANCELLED)"
  },
  { code: 1, name: "error", meaning: "an error that fits no row below" },
  { code: 2, name: "usage", meaning: "usage: unknown command or flag, bad flag value" },
  { code: 10, name: "auth", meaning: "auth: 401/403" },
  { code: 11, name: "not_found", meaning: "not found: 404 (agent, run, dataset, revision, sample)" },
  { code: 12, name: "validation", meaning: "validation: 400/422" },
  { code: 13, name: "conflict", meaning: "conflict: 409/412/428 (stale draft head, duplicate, run already ended)" },
  { code: 14, name: "server", meaning: "server: 5xx or 429 after retries, deadline exceeded" },
  { code: 15, name: "network", meaning: "network: connection refused/reset, DNS, TLS" },
  { code: 16, name: "interactive_required", meaning: "interactive required: a confirmation was needed and none can be given (no TTY, or CI)" }
] as const

export type ExitRow = (typeof EXIT_CODE_TABLE)[number]
export type ExitRowName = ExitRow["name"]
/** An error row: every row except success. */
export type ErrorRowName = Exclude<ExitRowName, "ok">

const codeOf = <N extends ExitRowName>(name: N): Extract<ExitRow, { name: N }>["code"] =>
  EXIT_CODE_TABLE.find((row) => row.name === name)!.code as never

export const ExitCode = {
  Ok: codeOf("ok"),
  GateFailed: codeOf("gate_failed"),
  Error: codeOf("error"),
  Usage: codeOf("usage"),
  Auth: codeOf("auth"),
  NotFound: codeOf("not_found"),
  Validation: codeOf("validation"),
  Conflict: codeOf("conflict"),
  Server: codeOf("server"),
  Network: codeOf("network"),
  InteractiveRequired: codeOf("interactive_required")
} as const
export type ExitCode = ExitRow["code"]

export const exitCodeOf = (row: ExitRowName): ExitCode => codeOf(row)

/**
 * Core's errors (and its wait deadline) → a row. A `switch` over `_tag` with
 * a `never` default: adding a variant to core's union breaks this build.
 */
export const rowOfError = (error: FruxonError | EvaluationRunTimeout): ErrorRowName => {
  switch (error._tag) {
    case "InvalidRequest":
      // Status 0: core refused to send it (the caller's input); 428: a precondition (If-Match) was missing.
      if (error.status === 0) return "usage"
      return error.status === 428 ? "conflict" : "validation"
    case "Unauthorized":
    case "Forbidden":
      return "auth"
    case "NotFound":
      return "not_found"
    case "Conflict":
    case "StaleDraft":
      return "conflict"
    case "RateLimited":
    case "Unavailable":
    case "ServerError":
    case "RequestTimeout":
    case "EvaluationRunTimeout":
      return "server"
    case "UnexpectedStatus":
      return error.status >= 500 ? "server" : "error"
    case "TransportError":
      return "network"
    case "ResponseDecodeError":
      return "error"
    default: {
      const unhandled: never = error
      return unhandled
    }
  }
}

/** A mistake on the command line: exit 2 with this message and a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = "UsageError"
  constructor(
    message: string,
    readonly hint?: string
  ) {
    super(message)
  }
}
