// Preloaded (`node -r`) by test/in-process.test.ts into the binary: as the
// process exits, the Node built-in modules it loaded (process.moduleLoadList),
// one a line, to the file FRUXKIT_TEST_MODULE_LIST names.
process.on("exit", () => {
  require("node:fs").writeFileSync(process.env.FRUXKIT_TEST_MODULE_LIST, process.moduleLoadList.join("\n"))
})
