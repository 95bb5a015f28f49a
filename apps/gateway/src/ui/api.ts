/**
 * The viewer reads through the gateway's own `/v1` pipeline, in-process: the
 * same auth (the key from the viewer's cookie becomes the request's bearer
 * key, so tenant grants apply unchanged), validation, limits and upstream as
 * any API client. Nothing here talks to the upstream directly.
 */
import { createFruxonClient, type PromiseClient } from "@fruxkit/core/promise"
import { isTerminalRunStatus, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"

/** The gateway app's fetch (`app.fetch`), called with absolute URLs on a placeholder origin. */
export type ApiFetch = (request: Request) => Response | Promise<Response>

const ORIGIN = "http://viewer.internal"

/** The most samples one run page reads (the page then says it shows the first ones). */
export const MAX_RUN_SAMPLES = 5_000

/** Finished runs whose samples are kept for the next page (a run page, then its samples one by one). */
const FINISHED_RUNS_KEPT = 8

export interface RunWithSamples {
  readonly run: EvaluationRun
  readonly samples: ReadonlyArray<EvaluationRunSampleResult>
  readonly truncated: boolean
}

export class ViewerApi {
  /** One core client per key presented (a handful: the configured keys, or none). */
  private readonly clients = new Map<string, PromiseClient>()
  /**
   * A finished run and its samples no longer change: the last few read are
   * kept, per key (what one key may read says nothing of another), so moving
   * between a run's pages does not read 1,000 samples again each time.
   * A run that has not ended is always read afresh.
   */
  private readonly finished = new Map<string, RunWithSamples>()

  constructor(private readonly fetchApi: ApiFetch) {}

  client(key: string | undefined): PromiseClient {
    const id = key ?? ""
    let client = this.clients.get(id)
    if (client === undefined) {
      if (this.clients.size >= 64) this.clients.clear()
      client = createFruxonClient({
        baseUrl: ORIGIN,
        token: key,
        maxRetries: 0,
        userAgent: "fruxkit-viewer/0.1",
        fetch: async (input, init) => this.fetchApi(input instanceof Request ? input : new Request(input, init))
      })
      this.clients.set(id, client)
    }
    return client
  }

  /** The run's event stream from the API (`Last-Event-ID` passed on, so a reconnect resumes). */
  events(key: string | undefined, path: { tenant: string; agent: string; run: string }, lastEventId: string | undefined): Promise<Response> {
    const headers = new Headers({ accept: "text/event-stream" })
    if (key !== undefined) headers.set("authorization", `Bearer ${key}`)
    if (lastEventId !== undefined) headers.set("last-event-id", lastEventId)
    const url = `${ORIGIN}/v1/tenants/${encodeURIComponent(path.tenant)}/agents/${encodeURIComponent(path.agent)}/evaluationRuns/${encodeURIComponent(path.run)}/events`
    return Promise.resolve(this.fetchApi(new Request(url, { headers })))
  }

  async runWithSamples(key: string | undefined, ref: { tenant: string; agent: string; evaluationRun: string }): Promise<RunWithSamples> {
    const cacheKey = JSON.stringify([key ?? "", ref.tenant, ref.agent, ref.evaluationRun])
    const kept = this.finished.get(cacheKey)
    if (kept !== undefined) {
      // Most recently used last: the oldest entry is the one dropped.
      this.finished.delete(cacheKey)
      this.finished.set(cacheKey, kept)
      return kept
    }
    const read = await this.readRunWithSamples(key, ref)
    if (isTerminalRunStatus(read.run.status)) {
      this.finished.set(cacheKey, read)
      if (this.finished.size > FINISHED_RUNS_KEPT) this.finished.delete(this.finished.keys().next().value!)
    }
    return read
  }

  private async readRunWithSamples(key: string | undefined, ref: { tenant: string; agent: string; evaluationRun: string }): Promise<RunWithSamples> {
    const client = this.client(key)
    const run = await client.getEvaluationRun(ref)
    const samples: Array<EvaluationRunSampleResult> = []
    let truncated = false
    for await (const sample of client.listEvaluationRunSamples({ ...ref, pageSize: 1000 })) {
      if (samples.length >= MAX_RUN_SAMPLES) {
        truncated = true
        break
      }
      samples.push(sample)
    }
    return { run, samples, truncated }
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()))
    this.clients.clear()
    this.finished.clear()
  }
}
