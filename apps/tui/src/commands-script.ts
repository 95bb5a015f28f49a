/**
 * The scriptable commands, as the bundle runs them: `dist/bin/commands.cjs`,
 * one CommonJS script (cli.ts and everything under it, the embedded backend
 * included, each part evaluated only when first used), compiled through V8's
 * code cache `commands.cjs.cache`, which the build writes after a warm-up run
 * of a few commands (scripts/bundle.mjs).
 *
 * Why: compiling the bundle's JavaScript was the largest single part of a
 * command's start (Effect and core alone are ~300 KB minified); with the
 * cache, V8 reads the compiled functions instead. Node 20 has no compile
 * cache for ES modules (`module.enableCompileCache` is Node 22), but
 * `vm.Script` takes `cachedData` — hence CommonJS for this part.
 *
 * A cache V8 rejects (another Node version, other V8 flags) or a missing one
 * only costs the compile: the script runs the same. Run from sources, there
 * is no script and cli.ts is imported as it is.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import * as vm from "node:vm"

type Commands = typeof import("./cli.js")

/** Set by the bundle (esbuild `define`); absent when run from sources. */
declare const __FRUXKIT_COMMANDS_SCRIPT__: string | undefined

export interface CommandsScript {
  readonly commands: Commands
  /** The code cache as it stands now: every function compiled so far (the build writes it after its warm-up). */
  readonly codeCache: () => Buffer
  /** False when V8 refused the cache file (or there was none). */
  readonly cacheAccepted: boolean
}

/** Compiles and runs the commands script at `file`, with its code cache when there is one. */
export const runCommandsScript = (file: string): CommandsScript => {
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(`${file}.cache`)
  } catch {
    cachedData = undefined
  }
  // The same wrapper Node gives a CommonJS module, so the bundle's require/module/__filename work as usual.
  // latin1: the build writes the script in ASCII, and reading it so skips UTF-8 decoding of a megabyte.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "latin1")}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
  })
  const module = { exports: {} as Commands }
  ;(script.runInThisContext() as (...args: ReadonlyArray<unknown>) => void)(module.exports, createRequire(file), module, file, dirname(file))
  return { commands: module.exports, codeCache: () => script.createCachedData(), cacheAccepted: cachedData !== undefined && !script.cachedDataRejected }
}

export const loadCommands = async (): Promise<Commands> => {
  // An if/else on the build's constant: esbuild drops the other branch, so the bundle has no second copy of cli.ts.
  if (typeof __FRUXKIT_COMMANDS_SCRIPT__ !== "undefined") {
    const file = fileURLToPath(new URL(__FRUXKIT_COMMANDS_SCRIPT__, import.meta.url))
    const script = runCommandsScript(file)
    // The build's warm-up (scripts/bundle.mjs): after the command, the cache with what it compiled, added to what was there.
    if (process.env.FRUXKIT_WRITE_CODE_CACHE === "1") process.once("beforeExit", () => writeFileSync(`${file}.cache`, script.codeCache()))
    return script.commands
  } else {
    return import("./cli.js")
  }
}
