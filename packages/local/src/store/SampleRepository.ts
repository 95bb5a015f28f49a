/** Evaluation samples and their tags. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Field, type EvaluationSample, type ExecutionRecordSample, type PageOf, type SampleTag } from "@fruxkit/core"
import { toPage, type PageRequest } from "./page-token.js"
import * as Row from "./Row.js"
import { toJson, type SqlEffect } from "./Store.js"
import { prepareOnce } from "./Dialect.js"

export interface StoredSample {
  readonly id: string
  readonly tenantId: string
  readonly agentId: string
  readonly datasetId: string
  readonly executionId: string
  readonly inputPayload: Record<string, unknown>
  readonly output: string
  readonly agentRevision: number
  readonly quality: string
  readonly isGolden: boolean
  readonly createdBy: string
  readonly createdAt: number
  readonly modifiedAt: number
  readonly tags: ReadonlyArray<SampleTag>
}

/** A sample's own row; its tags come from `sample_tags` (TagRow). */
const SampleRow = Schema.Struct({
  id: Schema.String,
  tenantId: Row.column("tenant_id", Schema.String),
  agentId: Row.column("agent_id", Schema.String),
  datasetId: Row.column("dataset_id", Schema.String),
  executionId: Row.column("execution_id", Schema.String),
  inputPayload: Row.column("input_payload", Row.Json(Field.JsonObject)),
  output: Schema.String,
  agentRevision: Row.column("agent_revision", Row.Numeric),
  quality: Schema.String,
  isGolden: Row.column("is_golden", Row.Flag),
  createdBy: Row.column("created_by", Schema.String),
  createdAt: Row.column("created_at", Row.Numeric),
  modifiedAt: Row.column("modified_at", Row.Numeric)
})

const TagRow = Schema.Struct({
  id: Schema.String,
  tenantId: Row.column("tenant_id", Schema.String),
  sampleId: Row.column("sample_id", Schema.String),
  tag: Schema.String,
  sample: Schema.optionalWith(Schema.Null, { default: () => null })
})

const decodeSample = Row.decoder("samples", SampleRow)
const decodeTag: (row: unknown) => SampleTag = Row.decoder("sample_tags", TagRow)

/** The fields both sample shapes share; they differ only in `tenantId` and how tags are written. */
const sampleFields = (s: StoredSample) => ({
  id: s.id,
  datasetId: s.datasetId,
  executionId: s.executionId,
  inputPayload: s.inputPayload,
  output: s.output,
  agentRevision: s.agentRevision,
  quality: s.quality,
  isGolden: s.isGolden,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
  modifiedAt: s.modifiedAt
})

export const toEvaluationSample = (s: StoredSample): EvaluationSample => ({
  ...sampleFields(s),
  tenantId: s.tenantId,
  tags: s.tags
})

/** `GET …/executionRecords/{id}/samples` shape: tags are plain strings there. */
export const toExecutionRecordSample = (s: StoredSample): ExecutionRecordSample => ({
  ...sampleFields(s),
  tags: s.tags.map((t) => t.tag)
})

export const insertSample = (s: StoredSample): SqlEffect<void> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`INSERT INTO samples (id, tenant_id, agent_id, dataset_id, execution_id, input_payload, output,
      agent_revision, quality, is_golden, created_by, created_at, modified_at)
      VALUES (${s.id}, ${s.tenantId}, ${s.agentId}, ${s.datasetId}, ${s.executionId}, ${toJson(s.inputPayload)},
        ${s.output}, ${s.agentRevision}, ${s.quality}, ${s.isGolden ? 1 : 0}, ${s.createdBy}, ${s.createdAt},
        ${s.modifiedAt})`
    for (const [position, tag] of s.tags.entries()) {
      yield* sql`INSERT INTO sample_tags (id, tenant_id, sample_id, tag, position)
        VALUES (${tag.id}, ${tag.tenantId}, ${s.id}, ${tag.tag}, ${position})`
    }
  })

const withTags = (rows: ReadonlyArray<unknown>): SqlEffect<Array<StoredSample>> =>
  Effect.gen(function* () {
    if (rows.length === 0) return []
    const sql = yield* SqlClient.SqlClient
    const samples = rows.map(decodeSample)
    return joinTags(samples, yield* tagsOf(sql, samples.map((s) => s.id)))
  })

const tagsOf = (sql: SqlClient.SqlClient, sampleIds: ReadonlyArray<string>) =>
  sql`SELECT * FROM sample_tags WHERE ${sql.in("sample_id", sampleIds)} ORDER BY sample_id, position`

const joinTags = (samples: ReadonlyArray<Omit<StoredSample, "tags">>, tagRows: ReadonlyArray<unknown>): Array<StoredSample> => {
  const bySample = new Map<string, Array<SampleTag>>()
  for (const tag of tagRows.map(decodeTag)) {
    const list = bySample.get(tag.sampleId) ?? []
    list.push(tag)
    bySample.set(tag.sampleId, list)
  }
  return samples.map((sample) => ({ ...sample, tags: bySample.get(sample.id) ?? [] }))
}

export const listSamplesOfExecution = (tenant: string, executionId: string): SqlEffect<Array<StoredSample>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.flatMap(
      sql`SELECT * FROM samples WHERE tenant_id = ${tenant} AND execution_id = ${executionId}
        ORDER BY created_at, id`,
      withTags
    )
  )

export const deleteSamplesOfExecution = (tenant: string, executionId: string): SqlEffect<void> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`DELETE FROM sample_tags WHERE sample_id IN
      (SELECT id FROM samples WHERE tenant_id = ${tenant} AND execution_id = ${executionId})`
    yield* sql`DELETE FROM samples WHERE tenant_id = ${tenant} AND execution_id = ${executionId}`
  })

export const listSamplesOfDataset = (
  tenant: string,
  datasetId: string,
  page: PageRequest
): SqlEffect<PageOf<EvaluationSample>> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [count] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM samples
      WHERE tenant_id = ${tenant} AND dataset_id = ${datasetId}`
    const cursor = page.cursor
    const after = cursor
      ? sql`(created_at < ${cursor.createdAt} OR (created_at = ${cursor.createdAt} AND id < ${cursor.id}))`
      : sql`1 = 1`
    const rows = yield* sql<{ readonly id: string; readonly created_at: number }>`SELECT * FROM samples WHERE tenant_id = ${tenant} AND dataset_id = ${datasetId}
      AND ${after} ORDER BY created_at DESC, id DESC LIMIT ${page.size + 1} OFFSET ${page.skip}`
    const stored = yield* withTags(rows)
    const byId = new Map(stored.map((s) => [s.id, s]))
    return toPage(rows, page, Number(count?.n ?? 0), (row) => toEvaluationSample(byId.get(row.id)!))
  })

/** The samples an evaluation runs over, oldest first so `sampleIndex` is stable. */
export const listSampleIdsOfDatasets = (datasetIds: ReadonlyArray<string>): SqlEffect<Array<string>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    datasetIds.length === 0
      ? Effect.succeed([])
      : Effect.map(
          sql<{ id: string }>`SELECT id FROM samples WHERE ${sql.in("dataset_id", datasetIds)}
            ORDER BY created_at, id`,
          (rows) => rows.map((r) => r.id)
        )
  )

/** What evaluating a sample reads of it (sample-evaluation.ts): its input and the expected output, nothing else. */
export interface SampleToEvaluate {
  readonly id: string
  readonly inputPayload: Record<string, unknown>
  readonly output: string
}

const decodeSampleToEvaluate: (row: unknown) => SampleToEvaluate = Row.decoder(
  "samples",
  Schema.Struct({ id: Schema.String, inputPayload: Row.column("input_payload", Row.Json(Field.JsonObject)), output: Schema.String })
)

/**
 * The samples a run evaluates, as a worker reads them at the run's start (before its first agent call): only
 * the columns evaluation reads, no tags, and the ids as one JSON text — one fixed statement per engine,
 * prepared once per connection on PostgreSQL, instead of two of 200 bound parameters each, planned every time.
 * Samples deleted since the run was enqueued are simply missing from the result.
 */
export const findSamplesToEvaluate = (ids: ReadonlyArray<string>): SqlEffect<Array<SampleToEvaluate>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    ids.length === 0
      ? Effect.succeed([])
      : Effect.map(
          sql.onDialectOrElse({
            pg: () =>
              sql`${prepareOnce(sql)}SELECT id, input_payload, output FROM samples WHERE id IN (SELECT json_array_elements_text(${toJson(ids)}::json))`,
            orElse: () => sql`SELECT id, input_payload, output FROM samples WHERE id IN (SELECT value FROM json_each(${toJson(ids)}))`
          }),
          (rows) => rows.map(decodeSampleToEvaluate)
        )
  )
