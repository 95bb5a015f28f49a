/**
 * What an editor shows when a user hovers a facade call's result: the
 * type's name (`EvaluationRun`), not the schema's expansion of every field.
 * Asked of TypeScript's language service (quick info, as VS Code does) on a
 * file that uses the package the way a user would.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
/** Not on disk: the language service reads it from here. */
const userFile = path.join(packageDir, "test", "hover-probe.ts")
const userCode = `import { createFruxonClient } from "../src/index.js"
const client = createFruxonClient({ baseUrl: "http://127.0.0.1:1" })
export const probe = async () => {
  const run = await client.getEvaluationRun({ tenant: "t", agent: "a", evaluationRun: "r" })
  const agent = await client.getAgent({ tenant: "t", agent: "a" })
  const runs = await client.listEvaluationRuns({ tenant: "t", agent: "a" })
  const results = await client.listEvaluationRunSamples({ tenant: "t", agent: "a", evaluationRun: "r" })
  const summary = run.summary
  const runtime = summary?.runtime
  const finished = await client.awaitEvaluationRun({ tenant: "t", agent: "a", evaluationRun: "r" })
  return [run, agent, runs, results, summary, runtime, finished]
}
`

const hovers = (names: ReadonlyArray<string>): Record<string, string> => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(packageDir, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))
    }
  })!
  const service = ts.createLanguageService({
    getScriptFileNames: () => [userFile],
    getScriptVersion: () => "1",
    getScriptSnapshot: (file) => {
      if (file === userFile) return ts.ScriptSnapshot.fromString(userCode)
      const text = ts.sys.readFile(file)
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text)
    },
    getCurrentDirectory: () => packageDir,
    getCompilationSettings: () => config.options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (file) => file === userFile || ts.sys.fileExists(file),
    readFile: (file) => (file === userFile ? userCode : ts.sys.readFile(file)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories
  })
  // The probe must compile, or its hovers prove nothing.
  const errors = service.getSemanticDiagnostics(userFile).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))
  expect(errors).toEqual([])
  const out: Record<string, string> = {}
  for (const name of names) {
    const at = userCode.indexOf(`const ${name} `) + "const ".length
    const info = service.getQuickInfoAtPosition(userFile, at)
    out[name] = ts.displayPartsToString(info?.displayParts)
  }
  return out
}

describe("hovers of facade results", () => {
  it("name the type (EvaluationRun, Agent, ListPage<EvaluationRun>, …) instead of expanding the schema", () => {
    const shown = hovers(["run", "agent", "runs", "results", "summary", "runtime", "finished"])
    expect(shown).toEqual({
      run: "const run: EvaluationRun",
      agent: "const agent: Agent",
      runs: "const runs: ListPage<EvaluationRun>",
      results: "const results: ListPage<EvaluationRunSampleResult>",
      summary: "const summary: EvaluationRunSummary | null",
      runtime: "const runtime: RuntimeSummary | null | undefined",
      finished: "const finished: EvaluationRun"
    })
  }, 180_000)
})
