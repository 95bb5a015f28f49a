/**
 * Where the backend may send a request a caller pointed it at: external
 * agents' `endpoint` (`candidateExternalConfig`, an agent's `externalConfig`,
 * an `external` flow step) and `http` flow steps. One policy, in this
 * module, for request time and run time alike.
 *
 * - Link-local addresses (169.254.0.0/16 — cloud metadata lives there —
 *   and fe80::/10), the unspecified, multicast and broadcast addresses and
 *   the known metadata addresses are always refused.
 * - Loopback and private ranges are refused when the backend is shared
 *   (`restrictPrivate`: the gateway sets it when API keys are configured),
 *   unless the allowlist (`FRUXKIT_EXTERNAL_AGENT_ALLOW`: host names, IPs,
 *   CIDRs) admits them. The single-user default (no keys) keeps loopback
 *   agents working.
 * - The address checked is the one connected to: names are resolved by the
 *   connection's own lookup, which refuses a forbidden address before any
 *   connection is attempted (no DNS rebinding between check and connect).
 * - Redirects are not followed: a 3xx is a failure. A redirect target would
 *   otherwise escape the check the first URL passed.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns"
import { BlockList, isIP } from "node:net"
import type { Agent, Dispatcher } from "undici"
import { DeadlineExceeded } from "./deadline.js"

export class OutboundRefused extends Error {
  override readonly name = "OutboundRefused"
}

/** A resolver shaped like `dns.lookup` with `{ all: true }` (tests stub it; nothing else does). */
export type Resolver = (hostname: string) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>

export interface OutboundPolicyOptions {
  /** Refuse loopback and private addresses not on the allowlist (default false: single-user). */
  readonly restrictPrivate?: boolean | undefined
  /** Host names (exact, case-insensitive), IP addresses and CIDRs that loopback/private rules admit. */
  readonly allow?: ReadonlyArray<string> | undefined
  readonly resolver?: Resolver | undefined
}

export interface OutboundPolicy {
  /** Why a URL may not be fetched (resolving its name), or undefined when it may. Never connects. */
  readonly check: (url: string) => Promise<string | undefined>
  /**
   * A request under the policy (checked again at connect time; a redirect is an error), its reply read
   * whole. Rejects with DeadlineExceeded past `timeoutMs`, with the signal's reason when it aborts.
   */
  readonly fetch: (url: string, init: OutboundInit) => Promise<OutboundResponse>
  readonly close: () => Promise<void>
}

export interface OutboundInit {
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | undefined
  /** The caller's cancellation. */
  readonly signal?: AbortSignal | undefined
  /** The call's deadline, from the start of `fetch` (checking the endpoint included) to the reply's last byte. */
  readonly timeoutMs?: number | undefined
}

export interface OutboundResponse {
  readonly status: number
  readonly ok: boolean
  /** The reply's body when `ok`; "" otherwise (no caller reads an error's body, so none is kept). */
  readonly text: string
}

const blockList = (ranges: ReadonlyArray<readonly [string, number, "ipv4" | "ipv6"]>): BlockList => {
  const list = new BlockList()
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family)
  return list
}

/** Never fetched, whatever the configuration. */
const ALWAYS_REFUSED = blockList([
  ["0.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"], // link-local, cloud metadata (169.254.169.254)
  ["100.100.100.200", 32, "ipv4"], // Alibaba Cloud metadata
  ["224.0.0.0", 4, "ipv4"], // multicast
  ["240.0.0.0", 4, "ipv4"], // reserved, broadcast
  ["::", 128, "ipv6"],
  ["fe80::", 10, "ipv6"], // link-local
  ["fd00:ec2::254", 128, "ipv6"], // AWS metadata over IPv6
  ["ff00::", 8, "ipv6"] // multicast
])

/** Refused on a shared backend unless allowlisted. */
const PRIVATE = blockList([
  ["127.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["100.64.0.0", 10, "ipv4"], // carrier-grade NAT
  ["198.18.0.0", 15, "ipv4"], // benchmarking
  ["::1", 128, "ipv6"],
  ["fc00::", 7, "ipv6"] // unique local
])

/** A URL as the dispatcher takes it, and the host the policy checks. */
interface Target {
  readonly origin: string
  readonly path: string
  readonly host: string
}

/**
 * One request through the dispatcher's own handler interface, the reply read whole, within `timeoutMs`.
 * Not WHATWG fetch (Request/Response objects and web streams per call were ≈ half of a judged sample's
 * CPU), and not `agent.request` either: its async resource, Readable body stream, parsed headers and abort
 * listener per call, and the caller's AbortController for the deadline, were ≈ a sixth of what an agent
 * call costs the worker. Only a 2xx reply's body is kept: an error's is read and dropped (the deadline bounds
 * how long). A redirect is never followed (the dispatcher does not by itself): the call fails.
 */
const dispatch = (agent: Agent, target: Target, init: OutboundInit, startedAt: number): Promise<OutboundResponse> =>
  new Promise((resolve, reject) => {
    const { signal } = init
    if (signal?.aborted) return reject(signal.reason)
    let status = 0
    let chunks: Array<Buffer> = []
    let abortCall: ((reason: unknown) => void) | undefined
    let failed: unknown
    let timer: NodeJS.Timeout | undefined
    const done = () => {
      if (timer !== undefined) clearTimeout(timer)
      signal?.removeEventListener("abort", onAbort)
    }
    // Ends the call now, whether or not it has a connection yet (a queued request is aborted once it gets one).
    const fail = (reason: unknown) => {
      if (failed !== undefined) return
      failed = reason
      done()
      abortCall?.(reason)
      reject(reason)
    }
    const onAbort = () => fail(signal!.reason)
    if (init.timeoutMs !== undefined) {
      const left = init.timeoutMs - (Date.now() - startedAt)
      // Checking the endpoint (resolving its name) took the whole time: nothing is sent.
      if (left <= 0) return reject(new DeadlineExceeded(init.timeoutMs))
      // The error is made when the deadline passes: an Error captures a stack, and most calls end in time.
      timer = setTimeout(() => fail(new DeadlineExceeded(init.timeoutMs!)), left)
    }
    signal?.addEventListener("abort", onAbort, { once: true })
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (controller) => {
        if (failed !== undefined) controller.abort(failed as Error)
        else abortCall = (reason) => controller.abort(reason as Error)
      },
      onResponseStart: (_controller, statusCode) => {
        status = statusCode
      },
      onResponseData: (_controller, chunk) => {
        if (status >= 200 && status < 300) chunks.push(chunk)
      },
      onResponseEnd: () => {
        if (failed !== undefined) return
        done()
        if (status >= 300 && status < 400) {
          failed = new OutboundRefused(`the endpoint answered a redirect (HTTP ${status}); redirects are not followed`)
          return reject(failed)
        }
        const body = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")
        chunks = []
        resolve({ status, ok: status >= 200 && status < 300, text: body })
      },
      onResponseError: (_controller, error) => fail(error)
    }
    agent.dispatch(
      {
        origin: target.origin,
        path: target.path,
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers,
        ...(init.body !== undefined ? { body: init.body } : {})
      },
      handler
    )
  })

/** Endpoints whose literal address passed the check, by URL: the same endpoint is called for every sample of a run. */
const MAX_KNOWN_TARGETS = 256

const familyOf = (address: string): "ipv4" | "ipv6" => (isIP(address) === 6 ? "ipv6" : "ipv4")

/** `FRUXKIT_EXTERNAL_AGENT_ALLOW`: entries separated by commas or spaces. */
export const parseAllowList = (text: string | undefined): Array<string> =>
  (text ?? "")
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")

const defaultResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses: Array<LookupAddress>) => (error ? reject(error) : resolve(addresses)))
  )

/** A URL's host name as the policy compares it: lower case, an IPv6 address without its brackets. */
const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase()

export const makeOutboundPolicy = (options: OutboundPolicyOptions = {}): OutboundPolicy => {
  const restrictPrivate = options.restrictPrivate ?? false
  const resolver = options.resolver ?? defaultResolver
  const allowedHosts = new Set<string>()
  const allowedAddresses = new BlockList()
  for (const entry of options.allow ?? []) {
    const slash = entry.indexOf("/")
    const address = slash < 0 ? entry : entry.slice(0, slash)
    if (isIP(address) !== 0) {
      const family = familyOf(address)
      const prefix = slash < 0 ? (family === "ipv4" ? 32 : 128) : Number(entry.slice(slash + 1))
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === "ipv4" ? 32 : 128)) {
        throw new Error(`FRUXKIT_EXTERNAL_AGENT_ALLOW: "${entry}" is not a valid CIDR`)
      }
      allowedAddresses.addSubnet(address, prefix, family)
    } else {
      allowedHosts.add(entry.toLowerCase())
    }
  }

  /** Why this resolved address may not be connected to, for this host name. */
  const refusal = (address: string, host: string): string | undefined => {
    const family = familyOf(address)
    if (ALWAYS_REFUSED.check(address, family)) return "it is a link-local, metadata or reserved address"
    if (restrictPrivate && PRIVATE.check(address, family) && !allowedHosts.has(host) && !allowedAddresses.check(address, family)) {
      return "it is a loopback or private address and FRUXKIT_EXTERNAL_AGENT_ALLOW does not admit it"
    }
    return undefined
  }

  const resolve = async (host: string): Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>> =>
    isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : resolver(host)

  /** The URL's parts, or why it is no endpoint. */
  const targetOf = (text: string): Target | string => {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return "the endpoint is not a URL"
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return "the endpoint must be an http(s) URL"
    return { origin: url.origin, path: `${url.pathname}${url.search}`, host: bareHost(url.hostname) }
  }

  /** Why this host may not be connected to (resolving its name), or undefined when it may. */
  const hostRefusal = async (host: string): Promise<string | undefined> => {
    let addresses: ReadonlyArray<{ readonly address: string }>
    try {
      addresses = await resolve(host)
    } catch {
      return "the endpoint's host name does not resolve"
    }
    if (addresses.length === 0) return "the endpoint's host name does not resolve"
    for (const { address } of addresses) {
      const reason = refusal(address, host)
      if (reason !== undefined) return `the endpoint is refused: ${reason}`
    }
    return undefined
  }

  const check = async (text: string): Promise<string | undefined> => {
    const target = targetOf(text)
    return typeof target === "string" ? target : hostRefusal(target.host)
  }

  // The policy never changes: a literal address admitted once is admitted again. A name is checked on every
  // call (it may resolve elsewhere now), and again by the lookup of every connection.
  const admittedLiterals = new Map<string, Target>()
  const admitted = async (url: string): Promise<Target> => {
    const known = admittedLiterals.get(url)
    if (known !== undefined) return known
    const target = targetOf(url)
    if (typeof target === "string") throw new OutboundRefused(target)
    const reason = await hostRefusal(target.host)
    if (reason !== undefined) throw new OutboundRefused(reason)
    if (isIP(target.host) !== 0) {
      if (admittedLiterals.size >= MAX_KNOWN_TARGETS) admittedLiterals.clear()
      admittedLiterals.set(url, target)
    }
    return target
  }

  // Every connection resolves through this lookup: the address connected to is the address checked.
  // undici is loaded on the first outbound request, not at start: most processes (a CLI command
  // listing runs) never make one, and loading it is a third of the backend's start-up.
  const lookup = (hostname: string, lookupOptions: { all?: boolean }, callback: (...args: Array<any>) => void) => {
    const host = bareHost(hostname)
    resolve(host).then(
      (addresses) => {
        for (const { address } of addresses) {
          const reason = refusal(address, host)
          if (reason !== undefined) return callback(new OutboundRefused(`the endpoint is refused: ${reason}`))
        }
        const first = addresses[0]
        if (first === undefined) return callback(new OutboundRefused("the endpoint's host name does not resolve"))
        if (lookupOptions?.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })))
        else callback(null, first.address, first.family)
      },
      (error: unknown) => callback(error)
    )
  }
  let client: Promise<Agent> | undefined
  const undici = () => (client ??= import("undici").then((module) => new module.Agent({ connect: { lookup } as never })))

  return {
    check,
    async fetch(url, init) {
      // The HTTP client is loaded (first call only) before the deadline starts: a step's timeout bounds the
      // endpoint's answer, not fruxkit loading its client on a busy machine.
      const agent = await undici()
      const startedAt = Date.now()
      // Literal addresses never reach a lookup: they are checked here, before the connection.
      const target = await admitted(url)
      return dispatch(agent, target, init, startedAt)
    },
    close: async () => {
      if (client) await (await client).close()
    }
  }
}

/**
 * The policy from the environment: FRUXKIT_EXTERNAL_AGENT_ALLOW, and whether
 * the backend is shared (the caller knows: API keys configured).
 */
export const outboundPolicyFromEnv = (restrictPrivate: boolean, env: Readonly<Record<string, string | undefined>> = process.env): OutboundPolicy =>
  makeOutboundPolicy({ restrictPrivate, allow: parseAllowList(env.FRUXKIT_EXTERNAL_AGENT_ALLOW) })
