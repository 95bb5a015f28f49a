import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["development"] },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 20_000,
    // One PostgreSQL server for the run; the PostgreSQL tests create a database each.
    globalSetup: ["test/postgres-server.ts"]
  }
})
