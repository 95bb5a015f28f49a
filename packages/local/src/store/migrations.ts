/**
 * Versioned migrations for @effect/sql's Migrator. Portable SQL only (TEXT,
 * BIGINT, DOUBLE PRECISION, composite keys, no AUTOINCREMENT, JSON kept as
 * TEXT) so the same statements run on PostgreSQL. Never edit a shipped
 * migration: add the next number.
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

const initial = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE tenants (
    id TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL
  )`
  yield* sql`CREATE TABLE agents (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    tags TEXT NOT NULL,
    type TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    current_revision BIGINT NOT NULL,
    origin TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
  )`
  yield* sql`CREATE TABLE revisions (
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    comment TEXT NOT NULL,
    parameters_metadata TEXT NOT NULL,
    flow TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, revision)
  )`
  yield* sql`CREATE TABLE drafts (
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    base_revision BIGINT NOT NULL,
    version BIGINT NOT NULL,
    head_data TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, base_revision)
  )`
  yield* sql`CREATE TABLE environments (
    tenant_id TEXT NOT NULL,
    slug TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, slug)
  )`
  yield* sql`CREATE TABLE sessions (
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    history TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, session_id)
  )`
  yield* sql`CREATE TABLE execution_records (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_revision BIGINT NOT NULL,
    start_time BIGINT NOT NULL,
    end_time BIGINT NOT NULL,
    status TEXT NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    environment_slug TEXT,
    session_id TEXT NOT NULL,
    mode TEXT NOT NULL,
    parameters TEXT NOT NULL,
    response TEXT NOT NULL,
    result TEXT,
    trace TEXT,
    input_cost DOUBLE PRECISION NOT NULL,
    output_cost DOUBLE PRECISION NOT NULL,
    total_cost DOUBLE PRECISION NOT NULL,
    created_at BIGINT NOT NULL
  )`
  yield* sql`CREATE INDEX execution_records_by_agent ON execution_records (tenant_id, agent_id, created_at, id)`
  yield* sql`CREATE TABLE datasets (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL
  )`
  yield* sql`CREATE UNIQUE INDEX datasets_by_name ON datasets (tenant_id, agent_id, name)`
  yield* sql`CREATE TABLE samples (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    input_payload TEXT NOT NULL,
    output TEXT NOT NULL,
    agent_revision BIGINT NOT NULL,
    quality TEXT NOT NULL,
    is_golden INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL
  )`
  yield* sql`CREATE INDEX samples_by_dataset ON samples (dataset_id, created_at, id)`
  yield* sql`CREATE INDEX samples_by_execution ON samples (execution_id)`
  yield* sql`CREATE TABLE sample_tags (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL,
    sample_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    position INTEGER NOT NULL
  )`
  yield* sql`CREATE INDEX sample_tags_by_sample ON sample_tags (sample_id, position)`
  yield* sql`CREATE TABLE evaluation_runs (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    dataset_id TEXT,
    candidate_revision BIGINT,
    candidate_base_revision BIGINT,
    deployed_revision BIGINT,
    status TEXT NOT NULL,
    score DOUBLE PRECISION,
    deployment_recommendation TEXT,
    summary TEXT,
    error_message TEXT,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    completed_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    total_samples BIGINT NOT NULL,
    completed_samples BIGINT NOT NULL,
    failed_samples BIGINT NOT NULL,
    sample_ids TEXT NOT NULL,
    candidate_agent TEXT,
    candidate_external_sealed TEXT,
    cancel_requested INTEGER NOT NULL,
    lease_owner TEXT,
    lease_expires_at BIGINT NOT NULL
  )`
  yield* sql`CREATE INDEX evaluation_runs_by_agent ON evaluation_runs (tenant_id, agent_id, created_at, id)`
  yield* sql`CREATE INDEX evaluation_runs_by_status ON evaluation_runs (status, lease_expires_at)`
  yield* sql`CREATE TABLE evaluation_run_samples (
    run_id TEXT NOT NULL,
    sample_index BIGINT NOT NULL,
    sample_id TEXT NOT NULL,
    failed INTEGER NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (run_id, sample_index)
  )`
})

/**
 * Sample-level work for the run queue: one row per (run, sample index) a run
 * still has to judge. Workers lease rows (owner + expiry) instead of leasing
 * the whole run, so any number of processes share one run's samples. A row
 * whose sample has a stored result is done (the result is the truth; the row
 * is not deleted, so a result commit never contends with a claim).
 */
const sampleLeases = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE evaluation_sample_leases (
    run_id TEXT NOT NULL,
    sample_index BIGINT NOT NULL,
    lease_owner TEXT,
    lease_expires_at BIGINT NOT NULL,
    PRIMARY KEY (run_id, sample_index)
  )`
  // Runs enqueued before this migration still have work: give them their rows.
  const active = yield* sql<{ id: string; total_samples: number }>`SELECT id, total_samples FROM evaluation_runs
    WHERE status IN ('PENDING', 'IN_PROGRESS')`
  for (const run of active) {
    for (let index = 0; index < Number(run.total_samples); index++) {
      yield* sql`INSERT INTO evaluation_sample_leases (run_id, sample_index, lease_owner, lease_expires_at)
        VALUES (${run.id}, ${index}, NULL, 0)`
    }
  }
})

/**
 * What gateways sharing one database keep between requests (SharedStore):
 * `Idempotency-Key` records. The key is the gateway's scoped key (tenant,
 * caller and key); the body is base64 so any response bytes fit in TEXT.
 */
const idempotencyRecords = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE idempotency_records (
    scoped_key TEXT PRIMARY KEY NOT NULL,
    fingerprint TEXT NOT NULL,
    claim_token TEXT NOT NULL,
    state TEXT NOT NULL,
    status BIGINT,
    headers TEXT,
    body TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  )`
  yield* sql`CREATE INDEX idempotency_records_by_expiry ON idempotency_records (expires_at)`
})

/** Per-key token buckets that every gateway on one database draws from (SharedStore.takeRateLimitToken). */
const rateLimitBuckets = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE rate_limit_buckets (
    bucket_key TEXT PRIMARY KEY NOT NULL,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL,
    last_allowed INTEGER NOT NULL
  )`
})

/**
 * `draft:evaluate` runs score a pinned draft head: the run keeps the head's
 * version (`candidateSnapshotSeqNo`) beside its copy of the head's flow.
 */
const draftSnapshots = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`ALTER TABLE evaluation_runs ADD COLUMN candidate_snapshot_seq_no BIGINT`
})

/**
 * `lease_expires_at` of a sample whose result is stored: it never lapses, so
 * claims, heartbeats and hand-backs pass over it without looking for its
 * result (the owner stays: who judged it).
 */
export const LEASE_DONE = Number.MAX_SAFE_INTEGER

/**
 * The queue's claim walks an index instead of the whole run: samples by
 * expiry (never leased and handed back at 0, then lapsed leases, DONE last),
 * so a claim reads the few rows it takes, not every row judged before them.
 * Samples stored before the DONE mark existed get it here.
 */
const sampleLeaseOrder = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`UPDATE evaluation_sample_leases SET lease_expires_at = ${LEASE_DONE}
    WHERE EXISTS (SELECT 1 FROM evaluation_run_samples s
      WHERE s.run_id = evaluation_sample_leases.run_id AND s.sample_index = evaluation_sample_leases.sample_index)`
  yield* sql`CREATE INDEX evaluation_sample_leases_by_expiry ON evaluation_sample_leases (run_id, lease_expires_at, sample_index)`
})

/**
 * `Idempotency-Key` as the backend honours it: a creating call's key is
 * stored with what it created, in the same transaction, together with the
 * answer to replay (KeyedCreateRepository). Scoped per tenant.
 */
const keyedCreates = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE keyed_creates (
    tenant_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
  )`
  yield* sql`CREATE INDEX keyed_creates_by_expiry ON keyed_creates (expires_at)`
})

export const MIGRATIONS_TABLE = "fruxkit_migrations"

/** Returns the migrations this call applied (empty when the schema was already current). */
export const migrate = Migrator.make({})({
  loader: Migrator.fromRecord({ "0001_initial": initial, "0002_sample_leases": sampleLeases,
    "0003_idempotency_records": idempotencyRecords,
    "0004_rate_limit_buckets": rateLimitBuckets,
    "0005_draft_snapshots": draftSnapshots,
    "0006_sample_lease_order": sampleLeaseOrder,
    "0007_keyed_creates": keyedCreates
  }),
  table: MIGRATIONS_TABLE
})
