import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["development"] },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 20_000,
    // Several files time waits and long-polls in real time, and one starts
    // PostgreSQL and two gateway processes: on two cores, files run one at a time.
    fileParallelism: false
  }
})
