/**
 * The package as people install it: `pnpm pack`, then a fresh npm project
 * outside the monorepo installs the tarball with effect and @effect/platform
 * from the registry at the pinned versions (peer dependencies), runs the
 * README's quickstart as ESM (.mjs) against a loopback server, and
 * type-checks a TypeScript consumer with strict flags against the built
 * declarations. Slow (a build and an npm install): one test.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, expect, it } from "vitest"
import { json, problem, runJson, runProcess, startFakeFruxon, type FakeFruxon } from "@fruxkit/testkit"

/** A command that must succeed; npm and pnpm see this environment (their registry and cache settings). */
const run = async (command: string, args: ReadonlyArray<string>, options: { cwd?: string; env?: Record<string, string | undefined>; timeout?: number } = {}) => {
  const done = await runProcess({ command, args, cwd: options.cwd, env: options.env ?? process.env, timeoutMs: options.timeout ?? 120_000 })
  if (done.code !== 0) throw Object.assign(new Error(`${command} ${args.join(" ")} exited ${done.code}:\n${done.output}`), done)
  return done
}
const packageDir = fileURLToPath(new URL("..", import.meta.url))
const tsc = fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url))

let scratch: string | undefined
let fake: FakeFruxon | undefined
afterAll(async () => {
  await fake?.close()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

const consumerTs = `import { createFruxonClient, FruxonClient, FruxonError, type Agent, type EvaluationRun, type ListPage } from "@fruxkit/core"
import { Effect } from "effect"

const client = createFruxonClient({ baseUrl: "http://127.0.0.1:1", timeout: 5_000 })
export const first: Promise<ListPage<EvaluationRun>> = client.listEvaluationRuns({ tenant: "demo", agent: "a", pageSize: 10 })
export const agent: Promise<Agent> = client.getAgent({ tenant: "demo", agent: "a" }, { signal: AbortSignal.timeout(1000) })
export const status = (run: EvaluationRun): string => run.status
export const isOurs = (error: unknown): boolean => error instanceof FruxonError.FruxonError
// @ts-expect-error pageSize is a number
client.listEvaluationRuns({ tenant: "demo", agent: "a", pageSize: "ten" })
export const program = Effect.flatMap(FruxonClient.FruxonClient, (c) => c.getAgent({ tenant: "demo", agent: "a" })).pipe(
  Effect.catchTag("NotFound", () => Effect.succeed(undefined))
)
`

const strictTsconfig = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023", "DOM"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    noPropertyAccessFromIndexSignature: true,
    verbatimModuleSyntax: true,
    skipLibCheck: false,
    noEmit: true,
    types: []
  },
  files: ["consumer.ts"]
}

it("packs, installs from the tarball in a fresh npm project, runs the quickstart as .mjs and type-checks a strict .ts consumer", async () => {
  scratch = await mkdtemp(join(tmpdir(), "fruxkit-core-pack-"))
  const { stdout: packed } = await run("pnpm", ["pack", "--pack-destination", scratch], { cwd: packageDir, timeout: 180_000 })
  const tarball = join(scratch, packed.trim().split("\n").at(-1)!.split("/").at(-1)!)

  // What the tarball holds: the build, the README and the examples; no tests, bench, sources, tsconfigs or maps.
  const { stdout: listing } = await run("tar", ["-tzf", tarball])
  const files = listing.trim().split("\n")
  expect(files).toContain("package/dist/index.js")
  expect(files).toContain("package/dist/index.d.ts")
  expect(files).toContain("package/README.md")
  expect(files).toContain("package/examples/quickstart.mjs")
  expect(files.filter((f) => /^package\/(test|bench|src)\//.test(f) || /tsconfig|\.map$|\.log$|tsbuildinfo/.test(f))).toEqual([])

  const project = join(scratch, "consumer")
  await run("mkdir", ["-p", project])
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball, "effect@3.22.4", "@effect/platform@0.97.2"],
    { cwd: project, timeout: 240_000 }
  )
  const manifest = JSON.parse(await readFile(join(project, "node_modules/@fruxkit/core/package.json"), "utf8"))
  expect(manifest.private).toBeUndefined()
  expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" })
  expect(manifest.peerDependencies).toEqual({ "@effect/platform": "^0.97.2", effect: "^3.22.4" })
  expect(manifest.dependencies ?? {}).toEqual({})
  expect(JSON.stringify(manifest)).not.toContain("workspace:")
  expect(JSON.stringify(manifest)).not.toContain("/work/")
  // One copy of effect: the consumer's.
  const { stdout: copies } = await run("find", [join(project, "node_modules"), "-name", "package.json", "-path", "*/effect/package.json"])
  expect(copies.trim().split("\n")).toHaveLength(1)

  // The README's quickstart, as a user saves and runs it.
  const readme = await readFile(join(packageDir, "README.md"), "utf8")
  const quickstart = await readFile(join(packageDir, "examples/quickstart.mjs"), "utf8")
  expect(readme).toContain(quickstart.trim())
  await cp(join(packageDir, "examples/quickstart.mjs"), join(project, "quickstart.mjs"))
  fake = await startFakeFruxon({ script: (seen) => {
    if (seen.url.includes("no_such_agent")) return problem(404, { title: "no such agent" })
    if (seen.url.includes("/evaluationRuns")) {
      const second = seen.url.includes("PageToken.Cursor=p2")
      return json(200, { items: [runJson(second ? "FAILED" : "COMPLETED")], nextPageToken: second ? "" : "p2", totalCount: 2 })
    }
    return json(200, { id: "support_bot", currentRevision: 2 }, { "x-request-id": "req-1" })
  } })
  const { stdout } = await run(process.execPath, ["quickstart.mjs"], { cwd: project, env: { FRUXKIT_URL: fake.url, PATH: process.env.PATH ?? "" } })
  expect(stdout).toContain("support_bot: revision 2 (request req-1)")
  expect(stdout).toContain("2 runs in all")
  expect(stdout).toContain("not found, as expected: 404")

  // A strict TypeScript consumer, library checks on: the built declarations, not our sources.
  await writeFile(join(project, "consumer.ts"), consumerTs)
  await writeFile(join(project, "tsconfig.json"), JSON.stringify(strictTsconfig))
  const checked = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project }).catch((error: { stdout: string }) => error)
  expect((checked as { stdout: string }).stdout).toBe("")
}, 600_000)
