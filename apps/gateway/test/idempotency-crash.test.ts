/**
 * A create whose answer was lost is not repeated (issue 21), embedded mode
 * on SQLite, the gateway as a real process: a creating call with an
 * Idempotency-Key, the gateway killed with SIGKILL (its own records gone),
 * started again on the same data dir; the retry is answered from the key
 * the backend stored with the sample, in the same transaction — replayed,
 * nothing created twice.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const T = "/v1/tenants/demo/agents/support_bot"
const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-idem-crash-"))
const children: Array<ChildProcess> = []

/** src/main.ts on the embedded backend; resolves with its URL once it listens. */
const startGateway = (): Promise<{ url: string; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=development", "--import", "tsx", "src/main.ts", "--port", "0"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", FRUXKIT_RATE_LIMIT: "0", FRUXKIT_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"]
    })
    children.push(child)
    let output = ""
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ url: match[1]!, child })
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited with ${code}: ${output}`))
    })
  })

const killHard = async (child: ChildProcess) => {
  const exited = new Promise((resolve) => child.once("exit", resolve))
  child.kill("SIGKILL")
  await exited
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) await killHard(child)
  rmSync(dataDir, { recursive: true, force: true })
})

const json = async <A>(url: string): Promise<A> => {
  const response = await fetch(url)
  expect(response.status).toBe(200)
  return (await response.json()) as A
}

describe("Idempotency-Key across a gateway crash (embedded, SQLite)", () => {
  it("a retry after SIGKILL replays the first answer from the backend; the sample exists once", async () => {
    let gateway = await startGateway()
    const golden = (await json<Array<{ id: string; name: string }>>(`${gateway.url}${T}/datasets`)).find((d) => d.name === "golden")!
    const record = (await json<{ items: Array<{ id: string }> }>(`${gateway.url}${T}/executionRecords?PageSize=1`)).items[0]!.id
    const samples = `${T}/executionRecords/${record}/samples`
    const before = (await json<Array<unknown>>(gateway.url + samples)).length
    const add = (url: string, body: unknown) =>
      fetch(`${url}${T}/executionRecords/${record}:addToDatasets`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "crash-retry-1" },
        body: JSON.stringify(body)
      })

    const first = await add(gateway.url, { datasetIds: [golden.id], tags: ["crash"] })
    expect(first.status).toBe(200)
    const created = (await first.json()) as Array<{ id: string }>
    await killHard(gateway.child)

    gateway = await startGateway()
    const retry = await add(gateway.url, { tags: ["crash"], datasetIds: [golden.id] })
    expect(retry.status).toBe(200)
    expect(retry.headers.get("idempotent-replayed")).toBe("true")
    expect(await retry.json()).toEqual(created)
    const after = await json<Array<{ id: string }>>(gateway.url + samples)
    expect(after.length).toBe(before + 1)
    expect(after.map((s) => s.id)).toContain(created[0]!.id)

    // The same key for another request: refused, nothing created.
    const reused = await add(gateway.url, { datasetIds: [golden.id], tags: ["other"] })
    expect(reused.status).toBe(409)
    expect((await json<Array<unknown>>(gateway.url + samples)).length).toBe(before + 1)
  }, 150_000)
})
