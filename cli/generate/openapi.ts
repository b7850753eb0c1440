/**
 * `openapi.json`: an OpenAPI 3.1 document of the project's http steps. Paths and path parameters
 * come from the routes (`/users/:id` → `/users/{id}`), query parameters from `queryParams`, the
 * JSON request body from `bodySchema`, the responses from `responseSchema` (per status), the
 * operationId from the step name, summary and description from its description, tags from its
 * flows. Schemas are JSON Schema 2020-12, the dialect OpenAPI 3.1 uses, so they go in as they are.
 */
import { STATUS_CODES } from 'node:http'
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import { toJsonSchema, type JsonSchema, type Schema } from '../../runtime/step/schema.ts'
import type { HttpTriggerConfig } from '../../runtime/types/context.ts'

export const openapiFile = 'openapi.json'

export interface OpenApiInfo {
  title: string
  version: string
  description?: string
}

/**
 * The document for these steps (http triggers only; others are left out).
 *
 * @example
 * const document = generateOpenApi(loaded.steps, { title: 'Orders API', version: '1.0.0' })
 */
export function generateOpenApi(steps: readonly LoadedStep[], info: OpenApiInfo): { openapi: string; paths: Record<string, object> } & Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {}
  const tags = new Set<string>()
  for (const step of steps) {
    const routes = step.triggers.filter((t): t is HttpTriggerConfig & { index: number } => t.type === 'http')
    for (const trigger of routes) {
      const route = String(trigger.path)
      const method = String(trigger.method).toLowerCase()
      ;(paths[route.replace(/:(\w+)/g, '{$1}')] ??= {})[method] = operation(step, trigger, routes.length > 1)
      for (const flow of step.flows) tags.add(flow)
    }
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    ...(tags.size ? { tags: [...tags].sort().map((name) => ({ name })) } : {}),
    paths: sortedPaths,
  }
}

// --- internal ---

function operation(step: LoadedStep, trigger: HttpTriggerConfig & { index: number }, several: boolean): object {
  const parameters = [...pathParameters(String(trigger.path)), ...queryParameters(trigger.queryParams)]
  const summary = step.description?.split(/(?<=\.)\s|\n/)[0]?.trim()
  return {
    // operationIds are unique per document: a step with several routes numbers them by trigger
    operationId: several ? `${step.name}_${trigger.index}` : step.name,
    ...(summary ? { summary } : {}),
    ...(step.description && step.description.trim() !== summary ? { description: step.description } : {}),
    ...(step.flows.length ? { tags: [...step.flows] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(trigger.bodySchema ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(trigger.bodySchema, 'input') } } } } : {}),
    responses: responses(trigger.responseSchema),
  }
}

function pathParameters(path: string): object[] {
  return [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
}

function queryParameters(query: HttpTriggerConfig['queryParams']): object[] {
  if (!query) return []
  if (Array.isArray(query)) {
    const documented = query as ReadonlyArray<{ name: string; description?: string; required?: boolean }>
    return documented.map((q) => ({ name: q.name, in: 'query', required: q.required ?? false, ...(q.description ? { description: q.description } : {}), schema: { type: 'string' } }))
  }
  const schema = jsonSchema(query as Schema, 'input')
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as JsonSchema & { description?: string }
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest }
  })
}

function responses(schemas: HttpTriggerConfig['responseSchema']): Record<string, object> {
  const entries = Object.entries(schemas ?? {})
  if (entries.length === 0) return { default: { description: 'Response' } }
  return Object.fromEntries(
    entries.map(([status, schema]) => [status, { description: STATUS_CODES[status] ?? `Status ${status}`, content: { 'application/json': { schema: jsonSchema(schema, 'output') } } }]),
  )
}

/** The JSON Schema of `schema` without its `$schema` key (the document sets the dialect); `{}` when it cannot describe itself. */
function jsonSchema(schema: Schema, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { io }) ?? {}
  return rest
}
