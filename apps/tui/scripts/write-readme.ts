/** Rewrite the generated sections of apps/tui/README.md from the command tables. */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { regenerate } from "../src/readme-sections.js"

const path = fileURLToPath(new URL("../README.md", import.meta.url))
writeFileSync(path, regenerate(readFileSync(path, "utf8")))
