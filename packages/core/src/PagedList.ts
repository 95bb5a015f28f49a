/**
 * Following a paged list from the facts its endpoint entry carries
 * (`Endpoint.paging`: the size and cursor query parameters, the items and
 * next-token fields). Neither the Effect client nor the Promise facade
 * writes a cursor name; both go through here.
 */
import type * as Endpoint from "./Endpoint.js"
import { allEndpoints, type EndpointName, type Endpoints } from "./Endpoints.js"

/** The endpoints whose entry says they are paged. */
export type PagedName = {
  readonly [K in EndpointName]: Endpoints[K]["paging"] extends Endpoint.Paging ? K : never
}[EndpointName]

/** What one page of `K` holds. */
export type ItemOf<K extends PagedName> = Endpoint.Success<Endpoints[K]> extends { readonly items: ReadonlyArray<infer A> }
  ? A
  : never

export const pagedNames: ReadonlyArray<PagedName> = allEndpoints
  .filter((endpoint) => endpoint.paging !== undefined)
  .map((endpoint) => endpoint.name as PagedName)

/** Paging in plain words, taken by every list call beside its filters. */
export interface PageArgs {
  /** Items per page (the server's default when absent). */
  readonly pageSize?: number | undefined
  /** Where to start: a `nextPageToken` from an earlier page. */
  readonly pageToken?: string | undefined
}

/** A list call's arguments: the endpoint's own, plus `pageSize` / `pageToken`. */
export type ListArgs<K extends PagedName> = Endpoint.Args<Endpoints[K]> & PageArgs

/**
 * The arguments for one page: `pageSize` and `pageToken` moved into the
 * query under the endpoint's names (a cursor replaces any offset the caller
 * gave), everything else as given.
 */
export const argsFor = (paging: Endpoint.Paging, args: PageArgs & { readonly query?: unknown }): Record<string, unknown> => {
  const { pageSize, pageToken, query, ...rest } = args
  const merged: Record<string, unknown> = { ...(query as Record<string, unknown> | undefined) }
  if (pageSize !== undefined) merged[paging.sizeParam] = pageSize
  if (pageToken !== undefined && pageToken !== "") {
    for (const name of paging.clearedByCursor) delete merged[name]
    merged[paging.cursorParam] = pageToken
  }
  return Object.keys(merged).length === 0 && query === undefined ? rest : { ...rest, query: merged }
}

/** One decoded page, read by the endpoint's field names. */
export interface Contents<A> {
  readonly items: ReadonlyArray<A>
  /** The token for the next page, or `undefined` when this is the last. */
  readonly nextPageToken: string | undefined
}

/**
 * The items and next token of a page. An empty page ends the list even with
 * a token, so a server that keeps answering empty pages cannot loop a client.
 */
export const contentsOf = <A>(paging: Endpoint.Paging, page: unknown): Contents<A> => {
  const record = page as Record<string, unknown>
  const items = (record[paging.itemsField] ?? []) as ReadonlyArray<A>
  const token = record[paging.nextTokenField]
  return { items, nextPageToken: typeof token === "string" && token !== "" && items.length > 0 ? token : undefined }
}
