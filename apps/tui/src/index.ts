/** For embedding fruxkit's UI or commands in another program; the binary is src/main.tsx. */
export { App, type AppProps } from "./ui/App.js"
export { runCli, type CliIo } from "./cli.js"
export { resolveConnection, describeConnection, type ConnectionSettings, type ConnectionMode } from "./connection-settings.js"
export { openConnection, type Connection } from "./connection.js"
export { ExitCode } from "./commands/exit-codes.js"
