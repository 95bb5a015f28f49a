/** Paging query parameters → a store page request (the contract's paging, see store/page-token.ts). */
import { DEFAULT_PAGE_SIZE } from "@fruxkit/core"
import { decodeCursor, type PageRequest } from "../store/page-token.js"
import { HttpProblem } from "./HttpProblem.js"

export const pageRequest = (
  query:
    | {
        readonly PageSize?: number | undefined
        readonly "PageToken.Skip"?: number | undefined
        readonly "PageToken.Cursor"?: string | undefined
      }
    | undefined
): PageRequest => {
  const token = query?.["PageToken.Cursor"]
  const cursor = token === undefined || token === "" ? undefined : decodeCursor(token)
  if (token !== undefined && token !== "" && cursor === undefined) {
    throw HttpProblem.invalid([{ path: "query.PageToken.Cursor", message: "is not a page token this server issued" }])
  }
  return { size: query?.PageSize ?? DEFAULT_PAGE_SIZE, skip: query?.["PageToken.Skip"] ?? 0, cursor }
}
