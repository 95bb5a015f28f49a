/** fruxkit's test kit: the one fake Fruxon server, the one spawn-and-wait helper, the one waitFor. */
export * from "./FakeFruxon.js"
export type { FakeRun, FruxonModel, FruxonModelOptions, RunProgressPatch } from "./FruxonModel.js"
export * from "./fixtures.js"
export * from "./spawnProcess.js"
export * from "./waitFor.js"
