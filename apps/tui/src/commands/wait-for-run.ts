/**
 * Wait for a run to end with core's polling. A person at a terminal sees one
 * rewritten progress line on stderr; `-o ndjson` gets progress events on
 * stdout; CI and agent mode get neither (a log wants no spinners).
 */
import type { EvaluationRun, PromiseClient } from "@fruxkit/core"
import { progressLine, runProgress } from "../run-progress.js"
import type { CommandContext } from "./command.js"
import { isAgentEnvironment } from "./output-mode.js"
import { followHint } from "./transient-runs.js"

export const DEFAULT_WAIT_MS = 30 * 60_000

export const waitForRun = async (
  client: PromiseClient,
  context: CommandContext,
  ref: { readonly tenant: string; readonly agent: string; readonly evaluationRun: string },
  options: { readonly initial?: EvaluationRun | undefined; readonly timeoutMs?: number | undefined; readonly embedded: boolean }
): Promise<EvaluationRun> => {
  const tty = context.stderr.isTTY === true && !isAgentEnvironment(context.env)
  const events = context.output.format === "ndjson"
  const firstSeenAt = Date.now()
  let last = options.initial
  const draw = () => {
    if (tty && last) context.stderr.write(`\r\x1b[K${progressLine(runProgress(last, Date.now(), firstSeenAt), 30)}`)
  }
  const emit = (run: EvaluationRun) => {
    if (!events) return
    const progress = runProgress(run, Date.now(), firstSeenAt)
    context.stdout.write(`${JSON.stringify({ type: "progress", completed: progress.done, total: progress.total, elapsedMs: Math.round(progress.elapsedMs) })}\n`)
  }
  const clock = tty ? setInterval(draw, 1000) : undefined
  // Ctrl-C while waiting: take the progress line away before leaving (130, as shells expect after SIGINT).
  const interrupted = () => {
    if (tty) context.stderr.write("\r\x1b[K")
    const hint = last ? followHint(last, ref.agent, options.embedded) : undefined
    context.stderr.write(`fruxkit: stopped waiting${hint ? `; ${hint}` : ""}\n`)
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
        emit(run)
      }
    })
  } finally {
    process.off("SIGINT", interrupted)
    if (clock) clearInterval(clock)
    if (tty) context.stderr.write("\r\x1b[K")
  }
}
