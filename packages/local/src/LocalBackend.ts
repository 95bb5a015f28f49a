/**
 * `createLocalBackend(options)`: an embedded, Fruxon-compatible backend on
 * SQLite, or on PostgreSQL shared by several processes (`databaseUrl`). The gateway calls it with `{ dataDir, seed: "demo" }` and uses
 * `backend.fetch` as its upstream, in-process.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Hono } from "hono"
import type { InProcessApi } from "@fruxkit/core"
import * as fs from "node:fs"
import * as path from "node:path"
import { seedDemo } from "./demo-seed.js"
import { EvaluationWorkerPool } from "./evaluation/EvaluationWorkerPool.js"
import { notifyingRunStore, RunChanges, type RunChangeListener } from "./evaluation/RunChanges.js"
import { heuristicJudge } from "./evaluation/heuristic-judge.js"
import type { Judge } from "./evaluation/Judge.js"
import { makeLlmJudge } from "./evaluation/llm-judge.js"
import type { LocalContext } from "./LocalContext.js"
import { makeApi } from "./routes/app.js"
import { makeOfflineChatModel, makeOpenAiChatModel, type LlmConfig } from "./runtime/ChatModel.js"
import { parseFlow } from "./runtime/flow-definition.js"
import { makeOutboundPolicy, parseAllowList, type Resolver } from "./runtime/outbound-policy.js"
import * as AgentRepository from "./store/AgentRepository.js"
import { announceRunChanged, RUN_CHANGED_CHANNEL } from "./store/Dialect.js"
import { makeSqlRunStore, queueDepth } from "./store/EvaluationRunRepository.js"
import * as FlowSecrets from "./store/FlowSecrets.js"
import * as SecretBox from "./store/SecretBox.js"
import * as SqliteDatabase from "./store/SqliteDatabase.js"
import { securePrivateDir, securePrivateFiles, type Warn } from "./store/private-files.js"
import * as Store from "./store/Store.js"
import { makeTransientRunStore } from "./store/TransientRunStore.js"

/** Present while the demo seed runs: a crash mid-seed leaves it, and the next start completes the seed. */
const DEMO_SEED_MARKER = "demo-seed.pending"

/** An agent to make sure exists at startup (tests, fixtures); created only when missing. */
export interface AgentProvision {
  readonly tenant: string
  readonly id: string
  readonly displayName?: string | undefined
  readonly description?: string | undefined
  /** When the agent is new: stored as revision 1 and deployed. Same format as a revision's `flow`. */
  readonly flow?: Readonly<Record<string, unknown>> | undefined
}

export interface LocalBackendOptions {
  /** Directory for the SQLite file and the secret key; created if missing. */
  readonly dataDir: string
  /**
   * `postgres://…`: the store and run queue on PostgreSQL instead of the SQLite file, shared by every
   * process given the same URL. Default: `FRUXKIT_DATABASE_URL` from the environment, else SQLite;
   * `""` is SQLite whatever the environment says.
   */
  readonly databaseUrl?: string | undefined
  /**
   * The key that seals `candidateExternalConfig` (base64 of 32 bytes). Processes sharing a database must
   * share it. Default: `FRUXKIT_SECRET_KEY` from the environment, else `<dataDir>/secret.key`.
   */
  readonly secretKey?: string | undefined
  /** "demo" seeds the demo data when the data dir is new; default "none". */
  readonly seed?: "demo" | "none" | undefined
  /**
   * With `seed: "demo"` on SQLite: a database file `writeDemoDatabase` wrote (the CLI's build puts one beside
   * its bundle). A new data dir starts as a copy of it instead of being migrated and seeded — the same demo
   * records, made by the same seed once, at build time. Missing: the data dir is seeded as usual.
   */
  readonly demoDatabase?: string | undefined
  readonly evaluation?: {
    /** Samples evaluated at once across all runs (default 4). */
    readonly concurrency?: number | undefined
    /** Samples of one tenant's runs evaluated at once in this process (default: `concurrency`, no cap). */
    readonly tenantConcurrency?: number | undefined
    /** How long a worker's claim on a run lasts without a heartbeat (default 10 000 ms). */
    readonly leaseMs?: number | undefined
  } | undefined
  /** An OpenAI-compatible chat-completions endpoint; absent → the deterministic offline model. */
  readonly llm?: LlmConfig | undefined
  /** "heuristic" (default) or "llm" (needs `llm`). */
  readonly judge?: "heuristic" | "llm" | undefined
  /** Environments per tenant that `environmentSlug` may auto-create (default 20). */
  readonly environmentCap?: number | undefined
  /** Datasets per agent (default 100; FRUXKIT_DATASET_CAP). */
  readonly datasetCap?: number | undefined
  /** Run evaluation workers for persisted runs in this process (default true; `FRUXKIT_LOCAL_WORKERS=0` → false). */
  readonly workers?: boolean | undefined
  readonly agents?: ReadonlyArray<AgentProvision> | undefined
  /** Where start-up warnings go (a data dir found readable by others, fixed); default console.warn. */
  readonly warn?: Warn | undefined
  /**
   * Where external agents and http flow steps may be fetched from (README "Outbound requests").
   * `restrictPrivate`: refuse loopback and private addresses not on `allow` — set it when the backend
   * is shared (the gateway does when API keys are configured); default false (single user).
   * `allow`: hosts, IPs and CIDRs; default `FRUXKIT_EXTERNAL_AGENT_ALLOW` from the environment.
   */
  readonly outbound?: {
    readonly restrictPrivate?: boolean | undefined
    readonly allow?: ReadonlyArray<string> | undefined
    /** Tests only: resolve host names without DNS. */
    readonly resolver?: Resolver | undefined
  } | undefined
}

export interface LocalBackend {
  readonly app: Hono
  readonly fetch: (request: Request) => Promise<Response>
  /**
   * The same API called in this process with plain objects (core's `InProcessApi`; `createFruxonClient({ handler })`):
   * no `Request`/`Response` is made, so Node's fetch (undici, ~25 ms of a start) is never loaded. The CLI uses it.
   */
  readonly handle: InProcessApi.ApiHandler
  /** This process's worker identity: the owner written on the sample leases it holds (logs, operations). */
  readonly workerId: string
  /**
   * The evaluation queue and this process's workers in Prometheus text format (README "Metrics"): queue depth
   * (read from the database now), claims, lease expiries, samples judged, CPU per sample, agent latency.
   */
  readonly metrics: () => Promise<string>
  /**
   * Listen for "a run changed" (it started, its progress moved, it ended), told right after the change
   * commits in this process; returns the function that stops listening. The gateway's shared run
   * pollers use it to answer waiters at once (README "Run changes").
   */
  readonly onRunChange: (listener: RunChangeListener) => () => void
  /** Stops the workers (runs in flight resume later) and closes the database. */
  readonly close: () => Promise<void>
}

const positiveInt = (name: string, value: number | undefined, fallback: number, min = 1): number => {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < min) throw new Error(`createLocalBackend: ${name} must be an integer ≥ ${min}, got ${String(value)}`)
  return v
}

export const createLocalBackend = async (options: LocalBackendOptions): Promise<LocalBackend> => {
  const concurrency = positiveInt("evaluation.concurrency", options.evaluation?.concurrency, 4)
  const tenantConcurrency = positiveInt("evaluation.tenantConcurrency", options.evaluation?.tenantConcurrency, concurrency)
  const leaseMs = positiveInt("evaluation.leaseMs", options.evaluation?.leaseMs, 10_000, 100)
  const environmentCap = positiveInt("environmentCap", options.environmentCap, 20, 0)
  const envDatasetCap = process.env.FRUXKIT_DATASET_CAP ? Number(process.env.FRUXKIT_DATASET_CAP) : undefined
  const datasetCap = positiveInt("datasetCap", options.datasetCap ?? envDatasetCap, 100)
  if (options.judge === "llm" && !options.llm) throw new Error('createLocalBackend: judge "llm" needs the `llm` option')

  const databaseUrl = (options.databaseUrl ?? process.env.FRUXKIT_DATABASE_URL) || undefined
  // PostgreSQL's driver and client (pg: ~25 ms of a start) load only when a URL asks for them; a start on
  // SQLite (every CLI command on the embedded backend) never loads them.
  const pg = databaseUrl === undefined ? undefined : { url: databaseUrl, database: await import("./store/PgDatabase.js") }
  if (pg !== undefined && !pg.database.isDatabaseUrl(pg.url)) {
    throw new Error("createLocalBackend: databaseUrl must start with postgres:// or postgresql://")
  }

  securePrivateDir(options.dataDir, options.warn)
  const secrets = SecretBox.open(options.dataDir, options.secretKey ?? (process.env.FRUXKIT_SECRET_KEY || undefined))
  // SQLite: "new" = no database file yet, or a demo seed that a crash interrupted (its marker is still there).
  const seedMarker = path.join(options.dataDir, DEMO_SEED_MARKER)
  const seedSqlite =
    databaseUrl === undefined &&
    options.seed === "demo" &&
    (!fs.existsSync(SqliteDatabase.databasePath(options.dataDir)) || fs.existsSync(seedMarker)) &&
    // Copying the prebuilt demo database is most of a CLI command's start on a new data dir (no migrating, no seeding).
    !(options.demoDatabase !== undefined && !fs.existsSync(seedMarker) && SqliteDatabase.createFrom(options.demoDatabase, options.dataDir))
  if (seedSqlite) fs.writeFileSync(seedMarker, "")
  if (databaseUrl === undefined) {
    const db = SqliteDatabase.DATABASE_FILE
    // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
    securePrivateFiles(options.dataDir, [db, `${db}-wal`, `${db}-shm`, "secret.key"], [db], options.warn)
  }
  const store = await Store.open(pg === undefined ? SqliteDatabase.layer(options.dataDir) : pg.database.layer(pg.url))
  // PostgreSQL: "new" = this start created the schema. Concurrent starts take turns on the migration
  // lock, so exactly one process seeds.
  const seedDemoData = seedSqlite || (databaseUrl !== undefined && options.seed === "demo" && store.createdSchema)
  const chatModel = options.llm ? makeOpenAiChatModel(options.llm) : makeOfflineChatModel()
  const outbound = makeOutboundPolicy({
    restrictPrivate: options.outbound?.restrictPrivate ?? false,
    allow: options.outbound?.allow ?? parseAllowList(process.env.FRUXKIT_EXTERNAL_AGENT_ALLOW),
    resolver: options.outbound?.resolver
  })
  const judge: Judge = options.judge === "llm" ? makeLlmJudge(chatModel) : heuristicJudge
  const runChanges = new RunChanges()
  const changed = (runId: string) => runChanges.emit(runId)
  // Persisted runs may be followed by gateways in other processes: PostgreSQL tells them after the commit
  // (best effort: a lost announcement costs them one poll interval). SQLite's are seen on the file instead.
  const announce = (runId: string) =>
    void store.run(Effect.flatMap(SqlClient.SqlClient, (sql) => announceRunChanged(sql, runChanges.payload(runId)))).catch(() => undefined)
  const ctx: LocalContext = {
    store,
    chatModel,
    judge,
    secrets,
    outbound,
    // PostgreSQL: a group commit announces its progress in its own statement (one round trip fewer per commit).
    persistedRuns:
      databaseUrl === undefined
        ? notifyingRunStore(makeSqlRunStore(store), changed)
        : notifyingRunStore(makeSqlRunStore(store, { changeOrigin: runChanges.origin }), (runId) => (changed(runId), announce(runId)), changed),
    transientRuns: notifyingRunStore(makeTransientRunStore(), changed),
    environmentCap,
    datasetCap,
    actor: "local"
  }
  try {
    if (seedDemoData) {
      await seedDemo(ctx)
      if (seedSqlite) fs.rmSync(seedMarker)
    }
    for (const agent of options.agents ?? []) await provision(ctx, agent)
  } catch (error) {
    await store.close()
    throw error
  }
  // The environment's default too, so every embedder (the gateway's `pnpm start`) honours it.
  const claimPersisted = options.workers ?? process.env.FRUXKIT_LOCAL_WORKERS !== "0"
  const pool = new EvaluationWorkerPool(ctx, { concurrency, tenantConcurrency, leaseMs, claimPersisted })
  pool.start()
  // Runs enqueued by other processes (gateways) wake this one's workers at once, not at the next poll.
  // On SQLite, other processes' commits (a run enqueued by the gateway or the CLI) are seen on the file.
  const stopListening =
    !claimPersisted
      ? undefined
      : pg !== undefined
        ? await pg.database.listenForEnqueuedRuns(pg.url, () => pool.wake())
        : SqliteDatabase.watchCommits(store.run, () => pool.wake())
  const { app, handle } = makeApi(ctx, { wake: () => pool.wake(), cancelLocal: (id) => pool.cancelLocal(id) })
  // Other processes' run changes, from the first listener on (a process nobody follows runs in pays nothing).
  let otherProcesses: Promise<(() => Promise<void> | void) | undefined> | undefined
  const followOtherProcesses = () =>
    pg !== undefined
      ? pg.database.listenOn(pg.url, RUN_CHANGED_CHANNEL, (payload) => runChanges.received(payload))
      : Promise.resolve(SqliteDatabase.watchCommits(store.run, () => runChanges.emit(undefined)))
  let closing: Promise<void> | undefined
  return {
    app,
    fetch: async (request) => app.fetch(request),
    handle,
    workerId: pool.owner,
    onRunChange: (listener) => {
      if (closing === undefined) otherProcesses ??= followOtherProcesses().catch(() => undefined)
      return runChanges.subscribe(listener)
    },
    metrics: async () => {
      // A database that cannot answer now leaves the gauge out rather than failing the scrape.
      const queue = await store.run(queueDepth(Date.now())).catch(() => undefined)
      return pool.metrics.render(queue)
    },
    close: () => {
      closing ??= Promise.resolve(stopListening?.())
        .then(() => otherProcesses)
        .then((stop) => stop?.())
        .then(() => pool.close())
        .then(() => store.close())
        .then(() => outbound.close())
      return closing
    }
  }
}

const provision = async (ctx: LocalContext, agent: AgentProvision): Promise<void> => {
  const flow = agent.flow === undefined ? undefined : parseFlow(agent.flow)
  if (flow && Either.isLeft(flow)) {
    throw new Error(`createLocalBackend: agent ${agent.id} has an invalid flow: ${flow.left.map((e) => `${e.path}: ${e.message}`).join("; ")}`)
  }
  const sealed = agent.flow === undefined ? undefined : FlowSecrets.seal(ctx.secrets, agent.flow, undefined, "flow")
  if (sealed && Either.isLeft(sealed)) {
    throw new Error(`createLocalBackend: agent ${agent.id}: ${sealed.left.map((e) => `${e.path}: ${e.message}`).join("; ")}`)
  }
  const now = Date.now()
  await ctx.store.transaction(
    Effect.gen(function* () {
      yield* AgentRepository.ensureTenant(agent.tenant, now)
      if (yield* AgentRepository.findAgent(agent.tenant, agent.id)) return
      yield* AgentRepository.ensureAgent({
        tenant: agent.tenant,
        id: agent.id,
        displayName: agent.displayName ?? agent.id,
        description: agent.description ?? "",
        tags: [],
        now
      })
      if (sealed !== undefined) {
        yield* AgentRepository.insertRevision(
          { tenant: agent.tenant, agentId: agent.id, comment: "initial", parametersMetadata: [], flow: sealed.right as Readonly<Record<string, unknown>>, now },
          1
        )
        yield* AgentRepository.setCurrentRevision(agent.tenant, agent.id, 1, now)
      }
    })
  )
}
