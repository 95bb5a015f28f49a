/**
 * The baseline: the least a proxy can do with undici — pass the request to
 * a keep-alive Pool and stream the answer back. No validation, auth, logs
 * or metrics. The gateway is measured against this.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Pool } from "undici"

const upstream = process.argv[2]!
const pool = new Pool(upstream, { connections: 64, keepAliveTimeout: 30_000 })

const server = createServer((req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    const headers = { ...req.headers }
    delete headers.host
    delete headers.connection
    pool
      .request({
        method: req.method as "GET",
        path: req.url ?? "/",
        headers: headers as Record<string, string>,
        body: chunks.length > 0 ? Buffer.concat(chunks) : null
      })
      .then(
        (answer) => {
          res.writeHead(answer.statusCode, { "content-type": String(answer.headers["content-type"] ?? "application/json") })
          answer.body.pipe(res)
        },
        () => {
          res.writeHead(502)
          res.end()
        }
      )
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
process.on("SIGTERM", () => process.exit(0))
