import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { conditions: ["development"] },
  test: { globalSetup: ["test/build-binary.ts"], include: ["test/**/*.test.ts", "test/**/*.test.tsx", "src/**/*.test.ts", "src/**/*.test.tsx"], testTimeout: 20_000, maxConcurrency: 3 }
})
