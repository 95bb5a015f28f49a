// Preloaded (`node -r`) into every process bench/start-time.ts measures, the
// baseline included: the process's own CPU time (user + system, µs), written
// to fd 3 as it exits.
process.on("exit", () => {
  const { user, system } = process.cpuUsage()
  require("node:fs").writeSync(3, `${user + system}\n`)
})
