/**
 * The `http` trigger: a route on the project's Elysia server. Parses and validates the request,
 * runs the step (through the project's middleware, then its own) and turns its result into a
 * response.
 *
 * A body of a type the route does not accept → 415, invalid JSON → 400, schema violation → 400
 * with the issues, handler error → 500 with a generic body (the stack goes to the log only), and
 * every response carries `x-trace-id`; its status is recorded on the trace (`TraceStore.respond`).
 */
import { ConfigError, MotiaError } from '../errors.ts'
import { json } from '../http/server.ts'
import { isAsyncIterable, toResponse } from '../http/response.ts'
import { anyBody, createBodyPolicy, headersOf, isMediaRange, jsonOnly, queryOf, readBody, type BodyPolicy } from '../http/request.ts'
import { defineTrigger } from '../plugin.ts'
import type { PendingRun } from '../types/runtime.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { Logger } from '../observability/logger.ts'
import { compileSchema, formatIssues, isSchema, type Validate } from '../step/schema.ts'
import type { FlowContext, HttpRequest, HttpResponse, HttpTriggerConfig, Middleware } from '../types/context.ts'
import { missedMatch } from '../step/multi-trigger.ts'
import { answerWhenWritten, motiaRequest, responseWriter, writtenResponse } from '../http/response-writer.ts'
import { httpCondition } from './conditions.ts'
import { finishedNow } from '../timeout.ts'
import type { Masker } from '../observability/mask.ts'
import type { TraceStore } from '../adapters/traces/types.ts'

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']

export const httpTrigger = defineTrigger<HttpTriggerConfig>({
  type: 'http',
  validate(trigger, step) {
    const where = `step "${step.name}" (${step.relativePath})`
    if (!trigger.method || !methods.includes(trigger.method)) {
      throw new ConfigError(
        `[motia] ${where}: http trigger needs a method (one of ${methods.join(', ')}), got ${JSON.stringify(trigger.method)}: set method, or name the file <name>.<method>.step.ts under steps/http/`,
        { file: step.relativePath },
      )
    }
    if (typeof trigger.path !== 'string' || !trigger.path.startsWith('/')) {
      throw new ConfigError(`[motia] ${where}: http trigger needs a path starting with "/", got ${JSON.stringify(trigger.path)}`, { file: step.relativePath })
    }
    if (trigger.bodySchema !== undefined && !isSchema(trigger.bodySchema)) {
      throw new ConfigError(`[motia] ${where}: bodySchema must be a zod (Standard Schema) or JSON Schema object`, { file: step.relativePath })
    }
    const types = trigger.contentTypes
    if (types !== undefined && !(Array.isArray(types) && types.length > 0 && types.every(isMediaRange))) {
      throw new ConfigError(
        `[motia] ${where}: contentTypes must be a non-empty list of media types such as ['application/json', 'application/x-www-form-urlencoded'] or 'text/*', got ${JSON.stringify(types)}`,
        { file: step.relativePath },
      )
    }
  },
  key: (trigger) => `route ${trigger.method} ${trigger.path?.replace(/:\w+/g, ':')}`,
  register(step, trigger, runtime) {
    const method = trigger.method!
    const path = trigger.path!
    // A GET, HEAD or OPTIONS has no body: a bodySchema there is documentation, not a check of nothing.
    const validateBody = trigger.bodySchema && !bodyless.has(trigger.method!) ? compileSchema(trigger.bodySchema) : undefined
    const validateQuery = trigger.queryParams && !Array.isArray(trigger.queryParams) ? compileSchema(trigger.queryParams as never) : undefined
    // Motia's rule: a route that declares no body shape takes any body; one with a schema takes JSON.
    const bodyPolicy = trigger.contentTypes ? createBodyPolicy(trigger.contentTypes) : trigger.bodySchema ? jsonOnly : anyBody
    const projectMiddleware = runtime.config.http.middleware
    const middleware = projectMiddleware.length ? [...projectMiddleware, ...(trigger.middleware ?? [])] : (trigger.middleware ?? [])
    const traceName = `${method} ${path}`
    // Nothing to read or check before the handler runs: the request is wrapped as it is.
    const simple = !validateBody && !validateQuery && bodyless.has(method)
    const logger = runtime.logger
    const respond = createResponder(step, logger, compileResponses(trigger.responseSchema))
    const { mask } = runtime.config
    const traces = runtime.traces

    /** Runs the step on a parsed request and answers; a value when the handler returned one. */
    const answer = (req: HttpRequest, traceId: string): Response | Promise<Response> => {
      const around = middleware.length ? (ctx: FlowContext, next: () => Promise<unknown>) => compose(middleware, req, ctx, next) : undefined
      const runOptions = trigger.condition
        ? { traceId, around: httpCondition(trigger.condition, req, around ?? ((_, next) => next())) }
        : around ? { traceId, around } : { traceId }
      let current: PendingRun
      try {
        current = runtime.begin(step, trigger, req, runOptions)
      } catch (error) {
        return errorResponse(error, traceId, step.name, logger)
      }
      const result = current.result
      // A plain value, or an async handler that awaited nothing (its promise fulfilled already):
      // answer now, without handing the server a promise to wait on.
      if (finishedNow(result)) return respond(current, Bun.peek(result), traceId, req)
      // Still running: a handler writing through `response` is answered at its first write.
      return answerWhenWritten(
        req,
        result as PromiseLike<unknown>,
        (output) => respond(current, output, traceId, req),
        (error) => {
          current.fail(error)
          return errorResponse(error, traceId, step.name, logger)
        },
      )
    }

    /**
     * Reads and checks the request, runs the step and answers, in one async function: each await
     * of a function of its own, and each promise handed back from one, costs the request a turn.
     */
    const parseThenAnswer = async (request: Request, params: Record<string, string>, traceId: string): Promise<Response> => {
      let response: Response
      try {
        const read = bodyless.has(request.method) ? noBody : await readBody(request, bodyPolicy)
        let parsed = read instanceof Response ? read : checkRequest(request, read.body, params, validateBody, validateQuery, mask)
        if (parsed instanceof Promise) parsed = await parsed
        if (parsed instanceof Response) {
          parsed.headers.set('x-trace-id', traceId)
          response = parsed
        } else {
          const answered = answer(parsed, traceId)
          response = answered instanceof Response ? answered : await answered
        }
      } catch (error) {
        response = errorResponse(error, traceId, step.name, logger)
      }
      traces.respond?.(traceId, response.status)
      return response
    }

    return runtime.http.route({
      method,
      path,
      handlesErrors: true,
      handler(request, params) {
        const traceId = runtime.startTrace(traceName, 'http')
        if (!simple) return parseThenAnswer(request, params, traceId)
        const response = answer(new IncomingRequest(request, undefined, params, undefined, mask), traceId)
        return traces.respond ? withStatusRecorded(response, traceId, traces) : response
      },
    })
  },
})

// --- internal ---

type ResponseChecks = Map<number, Validate>

/**
 * Ends a run that returned `output` and answers with it: the response the handler wrote through
 * `response` when it returned nothing, checked against `responseSchema` when there is one.
 */
function createResponder(step: LoadedStep, logger: Logger, responseChecks: ResponseChecks | undefined) {
  const reply = (output: HttpResponse | Response | undefined, traceId: string): Response => {
    try {
      return toResponse(output, traceId, (error) => logger.error(`[motia] step "${step.name}": event stream failed`, { traceId, error: error as Error }))
    } catch (error) {
      return errorResponse(error, traceId, step.name, logger)
    }
  }

  const checked = async (output: HttpResponse | undefined, traceId: string): Promise<Response> => {
    let problem: string | undefined
    try {
      problem = await checkResponse(responseChecks!, output)
    } catch (error) {
      return errorResponse(error, traceId, step.name, logger)
    }
    if (!problem) return reply(output, traceId)
    logger.error(`[motia] step "${step.name}" (${step.relativePath}) returned a body that does not match responseSchema[${output?.status}]: ${problem}`, { traceId })
    return json({ error: 'Internal Server Error', traceId }, 500, { 'x-trace-id': traceId })
  }

  return (current: PendingRun, output: unknown, traceId: string, req: HttpRequest): Response | Promise<Response> => {
    // A Motia ≥ 1.0.3 handler answers through `response` and returns nothing.
    if (output === undefined) output = writtenResponse(req)
    const missed = output === undefined ? missedMatch(req) : undefined
    if (missed) {
      current.succeed(output)
      logger.error(`${missed}; the request got no answer: 500`, { traceId })
      return json({ error: 'Internal Server Error', traceId }, 500, { 'x-trace-id': traceId })
    }
    current.succeed(output)
    if (responseChecks && !(output instanceof Response)) return checked(output as HttpResponse | undefined, traceId)
    return reply(output as HttpResponse | Response | undefined, traceId)
  }
}

function compileResponses(schemas: HttpTriggerConfig['responseSchema']): ResponseChecks | undefined {
  if (!schemas) return undefined
  const checks: ResponseChecks = new Map()
  for (const [status, schema] of Object.entries(schemas)) checks.set(Number(status), compileSchema(schema))
  return checks
}

async function checkResponse(checks: ResponseChecks, output: HttpResponse | undefined): Promise<string | undefined> {
  const check = output && checks.get(output.status)
  if (!check || isAsyncIterable(output.body)) return undefined
  const result = await check(output.body)
  return result.ok ? undefined : formatIssues(result.issues)
}

/** Records the status the request is answered with on its trace, so a refused or failed request does not list as a green `ok`. */
function withStatusRecorded(response: Response | Promise<Response>, traceId: string, traces: TraceStore): Response | Promise<Response> {
  if (response instanceof Response) {
    traces.respond!(traceId, response.status)
    return response
  }
  return response.then((answered) => {
    traces.respond!(traceId, answered.status)
    return answered
  })
}

const bodyless = new Set(['GET', 'HEAD', 'OPTIONS'])

const noBody = { body: undefined }

/**
 * The handler's request object, or the 400 response explaining what is wrong with it; a promise
 * only when a schema checks asynchronously (zod checks synchronously: awaiting a plain result
 * would cost the request a turn).
 */
function checkRequest(
  request: Request,
  body: unknown,
  params: Record<string, string>,
  validateBody: Validate | undefined,
  validateQuery: Validate | undefined,
  mask: Masker,
): HttpRequest | Response | Promise<HttpRequest | Response> {
  if (validateBody) {
    const checked = validateBody(body)
    if (checked instanceof Promise) return checked.then((result) => (result.ok ? checkQuery(request, result.value, params, validateQuery, mask) : invalidBody(result.issues)))
    if (!checked.ok) return invalidBody(checked.issues)
    body = checked.value
  }
  return checkQuery(request, body, params, validateQuery, mask)
}

function checkQuery(request: Request, body: unknown, params: Record<string, string>, validateQuery: Validate | undefined, mask: Masker): HttpRequest | Response | Promise<HttpRequest | Response> {
  if (!validateQuery) return new IncomingRequest(request, body, params, undefined, mask)
  const withQuery = (result: Awaited<ReturnType<Validate>>) =>
    result.ok ? new IncomingRequest(request, body, params, result.value as HttpRequest['query'], mask) : json({ error: 'Invalid query parameters', issues: result.issues }, 400)
  const checked = validateQuery(queryOf(request.url))
  return checked instanceof Promise ? checked.then(withQuery) : withQuery(checked)
}

function invalidBody(issues: unknown): Response {
  return json({ error: 'Invalid request body', issues }, 400)
}

/**
 * The handler's `req`. Headers, path and (unless validated) query are computed on first read:
 * most handlers read few of them, and even `request.url` is built on demand by the server.
 * Its JSON (what `logger.info('…', { req })` records) has credential-like headers and query
 * parameters masked; the handler reads the real ones.
 */
class IncomingRequest implements HttpRequest {
  #headers?: Record<string, string>
  #query?: HttpRequest['query']
  #mask: Masker

  constructor(
    readonly raw: Request,
    readonly body: unknown,
    readonly params: Record<string, string>,
    query: HttpRequest['query'] | undefined,
    mask: Masker,
  ) {
    this.#query = query
    this.#mask = mask
  }

  get query(): HttpRequest['query'] {
    return (this.#query ??= queryOf(this.raw.url))
  }

  get method(): string {
    return this.raw.method
  }

  get headers(): Record<string, string> {
    return (this.#headers ??= headersOf(this.raw.headers))
  }

  // Motia's names for the same request (pathParams, queryParams, and request/response: http/response-writer.ts).
  get pathParams(): Record<string, string> {
    return this.params
  }

  get queryParams(): HttpRequest['query'] {
    return this.query
  }

  get request(): HttpRequest['request'] {
    return motiaRequest(this)
  }

  get response(): HttpRequest['response'] {
    return responseWriter(this)
  }

  get path(): string {
    const url = this.raw.url
    const start = url.indexOf('/', url.indexOf('//') + 2)
    const q = url.indexOf('?', start)
    return url.slice(start, q < 0 ? undefined : q)
  }

  toJSON() {
    const mask = this.#mask
    return { method: this.method, path: this.path, params: this.params, query: mask.mask(this.query), headers: mask.mask(this.headers), body: this.body }
  }
}

/** Runs middleware in order; each calls `next()` to go on, or returns a response to stop. */
function compose(middleware: readonly Middleware[], req: HttpRequest, ctx: FlowContext, last: () => Promise<unknown>): Promise<unknown> {
  const dispatch = (i: number): Promise<HttpResponse> => {
    const fn = middleware[i]
    if (!fn) return last() as Promise<HttpResponse>
    let called = false
    return Promise.resolve(
      fn(req, ctx, () => {
        if (called) return Promise.reject(new MotiaError('[motia] middleware called next() twice'))
        called = true
        return dispatch(i + 1)
      }),
    )
  }
  return dispatch(0)
}

function errorResponse(error: unknown, traceId: string, step: string, logger: { error: (m: string, f?: Record<string, unknown>) => void }): Response {
  const headers = { 'x-trace-id': traceId }
  // A 503 (the store cannot take writes) tells the client to retry later; other 5xx stay generic.
  if (error instanceof MotiaError && (error.status < 500 || error.status === 503)) {
    return json({ error: error.message, ...('issues' in error ? { issues: error.issues } : {}) }, error.status, headers)
  }
  logger.error(`[motia] step "${step}" failed: ${error instanceof Error ? error.message : String(error)}`, { traceId, step, error: error as Error })
  return json({ error: 'Internal Server Error', traceId }, 500, headers)
}
