/**
 * `openapi.json`: an OpenAPI 3.1 document of the project's http steps — paths and parameters from
 * the routes, request bodies from `bodySchema`, responses from `responseSchema`, the step name as
 * operationId, its flows as tags. Schemas are JSON Schema 2020-12, which OpenAPI 3.1 uses as is.
 */
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import { toJsonSchema, type JsonSchema, type Schema } from '../../runtime/step/schema.ts'
import type { HttpTriggerConfig } from '../../runtime/step/types.ts'

export const openapiFile = 'openapi.json'

interface Operation {
  operationId: string
  summary?: string
  tags?: string[]
  parameters?: unknown[]
  requestBody?: unknown
  responses: Record<string, unknown>
}

export function generateOpenApi(steps: readonly LoadedStep[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {}
  const tags = new Set<string>()
  for (const step of steps) {
    for (const trigger of step.triggers) {
      if (trigger.type !== 'http') continue
      const http = trigger as HttpTriggerConfig & { index: number }
      const path = String(http.path).replace(/:(\w+)/g, '{$1}')
      const operation: Operation = {
        operationId: step.triggers.length > 1 ? `${step.name}${http.index}` : step.name,
        responses: responses(http.responseSchema),
      }
      if (step.description) operation.summary = step.description
      if (step.flows.length) operation.tags = [...step.flows]
      for (const tag of step.flows) tags.add(tag)
      const parameters = [...pathParameters(String(http.path)), ...queryParameters(http.queryParams)]
      if (parameters.length) operation.parameters = parameters
      if (http.bodySchema) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(http.bodySchema) } } }
      ;(paths[path] ??= {})[String(http.method).toLowerCase()] = operation
    }
  }
  return {
    openapi: '3.1.0',
    info,
    ...(tags.size ? { tags: [...tags].sort().map((name) => ({ name })) } : {}),
    paths,
  }
}

// --- internal ---

function pathParameters(path: string): unknown[] {
  return [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
}

function queryParameters(query: HttpTriggerConfig['queryParams']): unknown[] {
  if (!query) return []
  if (Array.isArray(query)) {
    return query.map((q: { name: string; description?: string; required?: boolean }) => ({
      name: q.name,
      in: 'query',
      required: q.required ?? false,
      ...(q.description ? { description: q.description } : {}),
      schema: { type: 'string' },
    }))
  }
  const schema = jsonSchema(query as Schema)
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((schema.required as string[] | undefined) ?? [])
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.has(name), schema: property }))
}

function responses(schemas: HttpTriggerConfig['responseSchema']): Record<string, unknown> {
  if (!schemas || Object.keys(schemas).length === 0) return { default: { description: 'Response' } }
  const out: Record<string, unknown> = {}
  for (const [status, schema] of Object.entries(schemas)) {
    out[status] = { description: `Status ${status}`, content: { 'application/json': { schema: jsonSchema(schema) } } }
  }
  return out
}

/** The JSON Schema of `schema`, without the `$schema` key (OpenAPI 3.1 sets the dialect). */
function jsonSchema(schema: Schema): JsonSchema {
  const { $schema: _dialect, ...rest } = (toJsonSchema(schema) ?? {}) as JsonSchema & { $schema?: string }
  return rest
}
