/** What `fruxkit <command>` exits with; scripts and CI read these. */
import type { Failure } from "../describe-error.js"

export const ExitCode = {
  /** Done; for `eval --wait` also: completed at or above `--fail-under`. */
  Ok: 0,
  /** The run failed or scored below `--fail-under`, or the API refused the request. */
  Failed: 1,
  /** The command line was wrong (unknown flag, missing value, bad number). */
  Usage: 2,
  /** The API could not be reached (connection refused, timed out, 502/503/504). */
  Unreachable: 3
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** A mistake on the command line: exit 2 with this message and a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = "UsageError"
}

export const exitCodeFor = (failure: Failure): ExitCode => {
  if (failure.kind === "unreachable") return ExitCode.Unreachable
  // Core refuses to send a request it can tell is invalid (status 0): that is the caller's input.
  if (failure.kind === "invalid" && failure.status === undefined) return ExitCode.Usage
  return ExitCode.Failed
}
