export * from "./schema/Agent.js"
export * from "./schema/Dataset.js"
export * from "./schema/DraftTest.js"
export * from "./schema/EvaluationRun.js"
export * from "./schema/EvaluationSample.js"
export * from "./schema/ExecutionRecord.js"
export * from "./schema/ExecutionTrace.js"
export * from "./schema/Paging.js"
export * from "./schema/Problem.js"
export * as Field from "./schema/Field.js"
export * as OpenEnum from "./schema/OpenEnum.js"
export * as Endpoint from "./Endpoint.js"
export { Endpoints, allEndpoints, type EndpointName } from "./Endpoints.js"
export * as Route from "./Route.js"
export * as IfMatch from "./IfMatch.js"
export * as IdempotencyKey from "./IdempotencyKey.js"
export * as Secrets from "./Secrets.js"
export * as JsonDepth from "./JsonDepth.js"
export * as RequestDecoding from "./RequestDecoding.js"
export * as ResponseDecoding from "./ResponseDecoding.js"
export * as FruxonError from "./FruxonError.js"
export * as ErrorProblem from "./ErrorProblem.js"
export * as RetryPolicy from "./RetryPolicy.js"
export * as DurationText from "./DurationText.js"
export * as RunComparison from "./RunComparison.js"
export * as RunGate from "./RunGate.js"
export * as AwaitRun from "./AwaitRun.js"
export * as RunWatcher from "./RunWatcher.js"
export { EvaluationRunTimeout } from "./AwaitRun.js"
export * as FruxonClient from "./FruxonClient.js"
export { FruxonClient as FruxonClientService } from "./FruxonClient.js"
export {
  createFruxonClient,
  type PromiseClient,
  type PromiseClientConfig,
  type RequestOptions,
  type CallOptions,
  type WaitOptions,
  type RetryNotice
} from "./promise.js"
export { ApiPromise, type WithResponse } from "./ApiPromise.js"
export { PagePromise, type ListPage } from "./PagePromise.js"
export * as PagedList from "./PagedList.js"
export { toOpenApi, type OpenApiDocument } from "./OpenApi.js"
