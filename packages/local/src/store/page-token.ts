/**
 * Keyset paging for "newest first" lists. `nextPageToken` is an opaque
 * cursor (base64url of the last item's `createdAt` and id); the client
 * passes it back as `PageToken.Cursor`. An empty token ends the list.
 * `PageToken.Skip` skips that many rows after the cursor (or from the top).
 */

export interface Cursor {
  readonly createdAt: number
  readonly id: string
}

export interface PageRequest {
  readonly size: number
  readonly skip: number
  readonly cursor: Cursor | undefined
}

export const encodeCursor = (cursor: Cursor): string =>
  Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), "utf8").toString("base64url")

/** The cursor a token names, or `undefined` when this server did not issue it. */
export const decodeCursor = (token: string): Cursor | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"))
    if (Array.isArray(parsed) && typeof parsed[0] === "number" && typeof parsed[1] === "string") {
      return { createdAt: parsed[0], id: parsed[1] }
    }
  } catch {
    // not base64url JSON: not ours
  }
  return undefined
}

/** Given one more row than asked for, build the page and its next token. */
export const toPage = <Row extends { readonly created_at: number; readonly id: string }, A>(
  rows: ReadonlyArray<Row>,
  request: PageRequest,
  totalCount: number,
  map: (row: Row) => A
): { items: Array<A>; nextPageToken: string; totalCount: number } => {
  const hasMore = rows.length > request.size
  const pageRows = hasMore ? rows.slice(0, request.size) : rows
  const last = pageRows[pageRows.length - 1]
  return {
    items: pageRows.map(map),
    nextPageToken: hasMore && last ? encodeCursor({ createdAt: Number(last.created_at), id: last.id }) : "",
    totalCount
  }
}
