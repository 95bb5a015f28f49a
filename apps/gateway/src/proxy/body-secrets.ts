/**
 * Whether an endpoint's request body can carry a secret at all, decided once
 * per endpoint from its body schema: a secret is a string under a key core's
 * rule names secret (`Secrets.secretValuesIn`), and a validated body holds
 * only the keys its (closed) schema declares — except where the schema
 * allows any key (a record) or any value (`unknown`). So a body whose schema
 * names no secret key and allows neither never holds one, and the answer to
 * it needs no search for echoed secrets: most creating calls
 * (`:addToDatasets`, creating a dataset) are of this kind, and walking their
 * body on every request was one of the larger costs of a proxied POST
 * (measured: see the README's throughput).
 */
import { Secrets, type Endpoint } from "@fruxkit/core"
import type * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"

/** True unless the schema provably admits no secret-named key anywhere (unknown shapes count as "may"). */
const mayHold = (ast: AST.AST, seen: Set<AST.AST>): boolean => {
  // A schema met again (a recursive one, through Suspend) adds no key it has not shown already.
  if (seen.has(ast)) return false
  seen.add(ast)
  switch (ast._tag) {
    case "TypeLiteral":
      // A record's keys are the client's own choice: any of them may be a secret's name.
      if (ast.indexSignatures.length > 0) return true
      return ast.propertySignatures.some(
        (property) => (typeof property.name === "string" && Secrets.isSecretKey(property.name)) || mayHold(property.type, seen)
      )
    case "TupleType":
      return ast.elements.some((element) => mayHold(element.type, seen)) || ast.rest.some((rest) => mayHold(rest.type, seen))
    case "Union":
      return ast.types.some((member) => mayHold(member, seen))
    case "Refinement":
      return mayHold(ast.from, seen)
    case "Transformation":
      // Either side: keys may be renamed between what was sent and what was decoded.
      return mayHold(ast.from, seen) || mayHold(ast.to, seen)
    case "Suspend":
      return mayHold(ast.f(), seen)
    case "Literal":
    case "UniqueSymbol":
    case "UndefinedKeyword":
    case "VoidKeyword":
    case "NeverKeyword":
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "BigIntKeyword":
    case "SymbolKeyword":
    case "TemplateLiteral":
    case "Enums":
      return false
    default:
      // unknown, any, object, a declaration: anything at all may be inside.
      return true
  }
}

const decided = new WeakMap<Endpoint.Any, boolean>()

/** Whether a validated body of this endpoint can hold a secret value (false: `secretValuesIn` of it is always empty). */
export const bodyMayHoldSecrets = (endpoint: Endpoint.Any): boolean => {
  let answer = decided.get(endpoint)
  if (answer === undefined) {
    const body = endpoint.body as Schema.Schema.Any | undefined
    answer = body !== undefined && mayHold(body.ast, new Set())
    decided.set(endpoint, answer)
  }
  return answer
}

const NONE: ReadonlyArray<string> = Object.freeze([])

/**
 * The secret values a request's validated body carries (`Secrets.secretValuesIn`), skipping the search where none can be.
 * Takes the decoded request, not its body: a body validated on its text is parsed when `body` is read, and where no secret
 * can be it is not read at all.
 */
export const requestSecrets = (endpoint: Endpoint.Any, decoded: { readonly body: unknown }): ReadonlyArray<string> => {
  if (!bodyMayHoldSecrets(endpoint)) return NONE
  const body = decoded.body
  return body === undefined ? NONE : Secrets.secretValuesIn(body)
}
