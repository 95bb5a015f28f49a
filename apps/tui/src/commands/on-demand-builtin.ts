/**
 * A Node built-in module loaded when a command first needs it, not at every
 * command's start (child_process with net and dgram was ~3 ms of a start).
 * Through require, not `import()`: the bundle's commands script runs in a
 * vm.Script, which has no dynamic import of its own ("A dynamic import
 * callback was not specified").
 */
import { createRequire } from "node:module"

export const loadBuiltin = <Module>(name: `node:${string}`): Module => createRequire(import.meta.url)(name) as Module
