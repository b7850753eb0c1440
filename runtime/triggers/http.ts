/**
 * The `http` trigger: a route on the project's Elysia server. Parses and validates the request,
 * runs the step (through its middleware) and turns its result into a response.
 *
 * Invalid JSON → 400, schema violation → 400 with the issues, handler error → 500 with a generic
 * body (the stack goes to the log only), and every response carries `x-trace-id`.
 */
import { ConfigError, MotiaError } from '../errors.ts'
import { json } from '../http/server.ts'
import { toResponse } from '../http/response.ts'
import { defineTrigger } from '../plugin.ts'
import { compileSchema, formatIssues, isSchema, type Validate } from '../step/schema.ts'
import type { FlowContext, HttpRequest, HttpResponse, HttpTriggerConfig, Middleware } from '../step/types.ts'

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
  },
  key: (trigger) => `route ${trigger.method} ${trigger.path?.replace(/:\w+/g, ':')}`,
  register(step, trigger, runtime) {
    const method = trigger.method!
    const path = trigger.path!
    const validateBody = trigger.bodySchema ? compileSchema(trigger.bodySchema) : undefined
    const validateQuery = trigger.queryParams && !Array.isArray(trigger.queryParams) ? compileSchema(trigger.queryParams as never) : undefined
    const responseChecks = compileResponses(trigger.responseSchema)
    const middleware = trigger.middleware ?? []
    const traceName = `${method} ${path}`
    const logger = runtime.logger

    return runtime.http.route({
      method,
      path,
      async handler(request, params) {
        const traceId = runtime.startTrace(traceName, 'http')
        const simple = !validateBody && !validateQuery && bodyless.has(request.method)
        const parsed = simple ? new IncomingRequest(request, undefined, params, queryOf(request.url)) : await readRequest(request, params, validateBody, validateQuery)
        if (parsed instanceof Response) {
          parsed.headers.set('x-trace-id', traceId)
          return parsed
        }
        try {
          const runOptions = middleware.length
            ? { traceId, around: (ctx: FlowContext, next: () => Promise<unknown>) => compose(middleware, parsed, ctx, next) }
            : { traceId }
          const output = (await runtime.run(step, trigger, parsed, runOptions)) as HttpResponse | Response | undefined
          const problem = responseChecks && !(output instanceof Response) ? await checkResponse(responseChecks, output) : undefined
          if (problem) {
            logger.error(`[motia] step "${step.name}" (${step.relativePath}) returned a body that does not match responseSchema[${output?.status}]: ${problem}`, { traceId })
            return json({ error: 'Internal Server Error', traceId }, 500, { 'x-trace-id': traceId })
          }
          return toResponse(output, traceId, (error) => logger.error(`[motia] step "${step.name}": event stream failed`, { traceId, error: error as Error }))
        } catch (error) {
          return errorResponse(error, traceId, step.name, logger)
        }
      },
    })
  },
})

// --- internal ---

type ResponseChecks = Map<number, Validate>

function compileResponses(schemas: HttpTriggerConfig['responseSchema']): ResponseChecks | undefined {
  if (!schemas) return undefined
  const checks: ResponseChecks = new Map()
  for (const [status, schema] of Object.entries(schemas)) checks.set(Number(status), compileSchema(schema))
  return checks
}

async function checkResponse(checks: ResponseChecks, output: HttpResponse | undefined): Promise<string | undefined> {
  const check = output && checks.get(output.status)
  if (!check || isStreaming(output.body)) return undefined
  const result = await check(output.body)
  return result.ok ? undefined : formatIssues(result.issues)
}

function isStreaming(body: unknown): boolean {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body
}

const bodyless = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The handler's request object, or the 400 response explaining what is wrong with it. */
async function readRequest(
  request: Request,
  params: Record<string, string>,
  validateBody: Validate | undefined,
  validateQuery: Validate | undefined,
): Promise<HttpRequest | Response> {
  let body: unknown
  if (!bodyless.has(request.method)) {
    const text = await request.text()
    const type = request.headers.get('content-type') ?? ''
    if (text.length > 0) {
      if (type === '' || type.includes('json')) {
        try {
          body = JSON.parse(text)
        } catch {
          return json({ error: 'Invalid JSON body' }, 400)
        }
      } else if (type.startsWith('application/x-www-form-urlencoded')) {
        body = Object.fromEntries(new URLSearchParams(text))
      } else body = text
    }
  }
  if (validateBody) {
    const result = await validateBody(body)
    if (!result.ok) return json({ error: 'Invalid request body', issues: result.issues }, 400)
    body = result.value
  }
  let query: Record<string, unknown> = queryOf(request.url)
  if (validateQuery) {
    const result = await validateQuery(query)
    if (!result.ok) return json({ error: 'Invalid query parameters', issues: result.issues }, 400)
    query = result.value as Record<string, unknown>
  }
  return new IncomingRequest(request, body, params, query as HttpRequest['query'])
}

/** The handler's `req`. Headers and path are computed on first read: most handlers read neither. */
class IncomingRequest implements HttpRequest {
  #headers?: Record<string, string>

  constructor(
    readonly request: Request,
    readonly body: unknown,
    readonly params: Record<string, string>,
    readonly query: HttpRequest['query'],
  ) {}

  get method(): string {
    return this.request.method
  }

  get headers(): Record<string, string> {
    return (this.#headers ??= this.request.headers.toJSON())
  }

  get path(): string {
    const url = this.request.url
    const start = url.indexOf('/', url.indexOf('//') + 2)
    const q = url.indexOf('?', start)
    return url.slice(start, q < 0 ? undefined : q)
  }

  toJSON() {
    return { method: this.method, path: this.path, params: this.params, query: this.query, headers: this.headers, body: this.body }
  }
}

function queryOf(url: string): HttpRequest['query'] {
  const q = url.indexOf('?')
  return q < 0 ? {} : parseQuery(url.slice(q + 1))
}

function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of new URLSearchParams(search)) {
    const existing = out[key]
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return out
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
  if (error instanceof MotiaError && error.status < 500) {
    return json({ error: error.message, ...('issues' in error ? { issues: error.issues } : {}) }, error.status, headers)
  }
  logger.error(`[motia] step "${step}" failed: ${error instanceof Error ? error.message : String(error)}`, { traceId, step, error: error as Error })
  return json({ error: 'Internal Server Error', traceId }, 500, headers)
}
