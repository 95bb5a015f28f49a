/**
 * Wait for a run to end with core's polling. Progress goes to stderr as one
 * rewritten line, and only when stderr is a terminal (a CI log gets nothing).
 */
import type { EvaluationRun, PromiseClient } from "@fruxkit/core"
import { progressLine, runProgress } from "../run-progress.js"
import type { CommandContext } from "./command.js"

export const DEFAULT_WAIT_MS = 30 * 60_000

export const waitForRun = async (
  client: PromiseClient,
  context: CommandContext,
  ref: { readonly tenant: string; readonly agent: string; readonly evaluationRun: string },
  options: { readonly initial?: EvaluationRun | undefined; readonly timeoutMs?: number | undefined }
): Promise<EvaluationRun> => {
  // stdout stays clean for --json either way: progress only ever goes to stderr.
  const tty = context.stderr.isTTY === true
  const firstSeenAt = Date.now()
  let last = options.initial
  const draw = () => {
    if (tty && last) context.stderr.write(`\r\x1b[K${progressLine(runProgress(last, Date.now(), firstSeenAt), 30)}`)
  }
  const clock = tty ? setInterval(draw, 1000) : undefined
  // Ctrl-C while waiting: take the progress line away before leaving (130, as shells expect after SIGINT).
  const interrupted = () => {
    if (tty) context.stderr.write("\r\x1b[K")
    context.stderr.write(`fruxkit: stopped waiting; the run goes on: fruxkit run --agent ${ref.agent} --id ${ref.evaluationRun} --wait\n`)
    process.exit(130)
  }
  process.once("SIGINT", interrupted)
  try {
    return await client.awaitEvaluationRun(ref, {
      deadline: options.timeoutMs ?? DEFAULT_WAIT_MS,
      ...(options.initial ? { initial: options.initial } : {}),
      onProgress: (run) => {
        last = run
        draw()
      }
    })
  } finally {
    process.off("SIGINT", interrupted)
    if (clock) clearInterval(clock)
    if (tty) context.stderr.write("\r\x1b[K")
  }
}
