/**
 * Runs the gateway re-encodes (`?wait=` answers, event streams) keep the
 * fields the upstream sent that core's schema does not know, as a plain
 * proxied GET does (issue 21: responses are open, and the Fruxon API may add
 * fields). Core's client decodes what the pollers read, dropping those
 * fields; so the upstream client records each run body it reads here, and a
 * poller publishing that run merges the body's unknown fields back into its
 * encoding.
 *
 * A body is used only for the run it came from (same `modifiedAt`), and at
 * most `max` bodies are held (the oldest go first): one per run being read.
 */
import type { EvaluationRun } from "@fruxkit/core"

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * `encoded` with the fields only `upstream` has, at every depth: where both
 * have a field, the encoding wins (core's reading: normalised enum case,
 * defaults); objects are merged field by field, arrays of equal length item
 * by item.
 */
export const keepingUnknownFields = (encoded: unknown, upstream: unknown): unknown => {
  if (Array.isArray(encoded) && Array.isArray(upstream) && encoded.length === upstream.length) {
    return encoded.map((item, i) => keepingUnknownFields(item, upstream[i]))
  }
  if (!isPlainObject(encoded) || !isPlainObject(upstream)) return encoded
  const merged: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(upstream)) if (!(key in encoded)) merged[key] = value
  for (const [key, value] of Object.entries(encoded)) merged[key] = key in upstream ? keepingUnknownFields(value, upstream[key]) : value
  return merged
}

export class UpstreamRunBodies {
  private readonly bodies = new Map<string, Record<string, unknown>>()

  constructor(private readonly max = 10_000) {}

  /** The body of a run read from upstream (`key`: the run's tenant/agent/id). */
  record(key: string, body: unknown): void {
    if (!isPlainObject(body)) return
    this.bodies.delete(key)
    this.bodies.set(key, body)
    if (this.bodies.size > this.max) this.bodies.delete(this.bodies.keys().next().value!)
  }

  /** The recorded body `run` was decoded from, if that is the one held (and it is let go). */
  take(key: string, run: EvaluationRun): Record<string, unknown> | undefined {
    const body = this.bodies.get(key)
    if (body === undefined || body.modifiedAt !== run.modifiedAt) return undefined
    this.bodies.delete(key)
    return body
  }

  get size(): number {
    return this.bodies.size
  }
}
