/**
 * What the two schema compilers share — the request acceptor (Acceptor.ts:
 * "does this value decode unchanged?") and the response decoder
 * (ResponseDecoding.ts: "decode it in one pass") — each compiling an
 * `effect/Schema` AST to a plain function once: a node a compiler does not
 * cover throws `Unsupported` and the schema falls back to Effect's own
 * decoder; the compiled result (or the fallback) is kept per AST.
 */
import type * as AST from "effect/SchemaAST"

/** Thrown by a compiler for a node it does not cover: the whole schema then has no compiled form. */
export class Unsupported extends Error {}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export interface Compiler<F> {
  /** Per root AST: the compiled function, or null when the schema has a part not covered. */
  readonly compiled: WeakMap<AST.AST, F | null>
  /** A node this compiler does not cover (its children are looked at by `assertCovered`). */
  readonly refuses: (ast: AST.AST) => boolean
  /** Whether `assertCovered` looks inside suspended parts now, or leaves them to be checked when compiled. */
  readonly checksSuspendedParts: boolean
  /** One node, compiling its children with `compile` (which memoises them within this root). */
  readonly compileNode: (ast: AST.AST, compile: (ast: AST.AST) => F) => F
}

/** Throws `Unsupported` for a node the compiler refuses anywhere below `ast` (the walk both compilers share). */
const assertCovered = <F>(compiler: Compiler<F>, ast: AST.AST, seen: Set<AST.AST>): void => {
  if (seen.has(ast)) return
  seen.add(ast)
  if (compiler.refuses(ast)) throw new Unsupported()
  switch (ast._tag) {
    case "Transformation":
      assertCovered(compiler, ast.from, seen)
      return assertCovered(compiler, ast.to, seen)
    case "Refinement":
      return assertCovered(compiler, ast.from, seen)
    case "TypeLiteral":
      for (const property of ast.propertySignatures) assertCovered(compiler, property.type, seen)
      for (const signature of ast.indexSignatures) assertCovered(compiler, signature.type, seen)
      return
    case "TupleType":
      for (const element of ast.elements) assertCovered(compiler, element.type, seen)
      for (const rest of ast.rest) assertCovered(compiler, rest.type, seen)
      return
    case "Union":
      for (const member of ast.types) assertCovered(compiler, member, seen)
      return
    case "Suspend":
      if (compiler.checksSuspendedParts) assertCovered(compiler, ast.f(), seen)
      return
    default:
      return
  }
}

/** The compiled form of `root`, built on first use and kept; undefined when a part is not covered. */
export const compileOnce = <F>(compiler: Compiler<F>, root: AST.AST): F | undefined => {
  const cached = compiler.compiled.get(root)
  if (cached !== undefined) return cached ?? undefined
  const done = new Map<AST.AST, F>()
  const compile = (ast: AST.AST): F => {
    const found = done.get(ast)
    if (found !== undefined) return found
    const result = compiler.compileNode(ast, compile)
    done.set(ast, result)
    return result
  }
  let result: F | undefined
  try {
    // A suspended schema compiles lazily, so an unsupported node inside one would only show on first use: look now.
    assertCovered(compiler, root, new Set())
    result = compile(root)
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error
    result = undefined
  }
  compiler.compiled.set(root, result ?? null)
  return result
}
