/**
 * Every error a command ends with, as one report: the exit-code row it
 * belongs to, a message a person can read, a hint, and what the server said
 * (status, request id). Written to stderr as one line of text, or, in agent
 * mode and with JSON output, as exactly one JSON line:
 * `{"error":{"code":"not_found","message":"…","exit_code":11,"hint":"…","status":404,"requestId":"…"}}`.
 * Never a stack trace; never a header or token (core's errors hold none).
 */
import type { Writable } from "node:stream"
import type { ErrorProblem, EvaluationRunTimeout, FruxonError as CoreErrors } from "@fruxkit/core"
import { describeError, failureLine } from "../describe-error.js"
import { UsageError, exitCodeOf, rowOfError, type ErrorRowName, type ExitCode } from "./exit-codes.js"

/** A failure a command explains itself, with the row it exits by: "no dataset named x" is `not_found`. */
export class CommandFailure extends Error {
  override readonly name = "CommandFailure"
  constructor(
    message: string,
    readonly row: ErrorRowName = "error",
    readonly hint?: string
  ) {
    super(message)
  }
}

export interface ErrorReport {
  readonly code: ErrorRowName
  readonly message: string
  readonly exit_code: ExitCode
  readonly hint?: string
  readonly status?: number
  readonly requestId?: string
}

/**
 * Core's tags (ErrorProblem.Tag). A record keyed by the tag union, so a tag
 * core adds is a type error here too; kept type-only so the error path does
 * not load the API client.
 */
const CORE_TAG_RECORD: Readonly<Record<ErrorProblem.Tag, true>> = {
  InvalidRequest: true,
  Unauthorized: true,
  Forbidden: true,
  NotFound: true,
  Conflict: true,
  StaleDraft: true,
  RateLimited: true,
  Unavailable: true,
  ServerError: true,
  UnexpectedStatus: true,
  RequestTimeout: true,
  TransportError: true,
  ResponseDecodeError: true,
  EvaluationRunTimeout: true
}
const CORE_TAGS: ReadonlySet<string> = new Set(Object.keys(CORE_TAG_RECORD))

const isCoreError = (error: unknown): error is CoreErrors.FruxonError | EvaluationRunTimeout =>
  typeof error === "object" && error !== null && CORE_TAGS.has(String((error as { _tag?: unknown })._tag))

const HINTS: Partial<Record<ErrorRowName, string>> = {
  auth: "check the credential: FRUXKIT_API_KEY for a gateway, FRUXON_API_TOKEN for the Fruxon API",
  network: "is the server running and the URL right? (--url, FRUXKIT_URL, FRUXON_API_URL)",
  server: "the server failed or did not answer in time; try again later",
  conflict: "read the current state again and retry"
}

/** The server's `x-request-id` (core keeps it on the error), else a `requestId` member of its problem document. */
const requestIdOf = (error: unknown): string | undefined => {
  const problem = (error as { problem?: Readonly<Record<string, unknown>> }).problem
  const id = (error as { requestId?: unknown }).requestId ?? problem?.requestId ?? problem?.request_id
  return typeof id === "string" && id.length > 0 ? id : undefined
}

export const reportOf = (error: unknown, command: string | undefined): ErrorReport => {
  const usageHint = command ? `see fruxkit ${command} --help` : "see fruxkit --help"
  if (error instanceof UsageError) return { code: "usage", message: error.message, exit_code: exitCodeOf("usage"), hint: error.hint ?? usageHint }
  if (error instanceof CommandFailure) {
    return { code: error.row, message: error.message, exit_code: exitCodeOf(error.row), ...(error.hint ? { hint: error.hint } : {}) }
  }
  if (isCoreError(error)) {
    const row = rowOfError(error)
    const failure = describeError(error)
    const hint = row === "usage" ? usageHint : HINTS[row]
    const requestId = requestIdOf(error)
    return {
      code: row,
      message: failureLine({ ...failure, status: undefined }),
      exit_code: exitCodeOf(row),
      ...(hint ? { hint } : {}),
      ...(failure.status ? { status: failure.status } : {}),
      ...(requestId ? { requestId } : {})
    }
  }
  const failure = describeError(error)
  return { code: "error", message: failureLine(failure), exit_code: exitCodeOf("error") }
}

/** The report on stderr: one JSON line, or `fruxkit <command>: message` and the hint. */
export const writeErrorReport = (stderr: Writable, report: ErrorReport, options: { readonly json: boolean; readonly command: string | undefined }): void => {
  if (options.json) {
    stderr.write(`${JSON.stringify({ error: report })}\n`)
    return
  }
  const status = report.status ? ` (${report.status})` : ""
  stderr.write(`fruxkit${options.command ? ` ${options.command}` : ""}: ${report.message}${status}\n${report.hint ? `${report.hint}\n` : ""}`)
}
