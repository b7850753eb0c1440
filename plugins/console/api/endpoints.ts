/** `GET /__motia/api/endpoints`: every http trigger with its schemas as JSON Schema. */
import type { LoadedStep } from 'motia'
import { schemaOf } from './describe.ts'

export interface Endpoint {
  step: string
  file: string
  method: string
  path: string
  description?: string
  flows: readonly string[]
  contentTypes: readonly string[]
  bodySchema?: Record<string, unknown>
  /** Query parameters: from a schema's properties, or the documented list. */
  query: Array<{ name: string; required: boolean; description?: string }>
  responseSchema: Record<string, unknown>
}

export function endpoints(steps: readonly LoadedStep[]): Endpoint[] {
  const out: Endpoint[] = []
  for (const step of steps) {
    for (const trigger of step.triggers) {
      if (trigger.type !== 'http') continue
      const t = trigger as Record<string, unknown>
      const responses = Object.entries((t.responseSchema as Record<string, unknown> | undefined) ?? {}).map(([status, schema]) => [status, schemaOf(schema, 'output') ?? {}])
      out.push({
        step: step.name,
        file: step.relativePath,
        method: String(t.method),
        path: String(t.path),
        description: step.description,
        flows: step.flows,
        contentTypes: (t.contentTypes as string[] | undefined) ?? ['application/json'],
        bodySchema: schemaOf(t.bodySchema),
        query: queryOf(t.queryParams),
        responseSchema: Object.fromEntries(responses),
      })
    }
  }
  return out.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)))
}

// --- internal ---

function queryOf(query: unknown): Endpoint['query'] {
  if (Array.isArray(query)) return query.map((q: { name: string; description?: string; required?: boolean }) => ({ name: q.name, required: q.required ?? false, description: q.description }))
  const schema = schemaOf(query)
  if (!schema) return []
  const required = new Set((schema.required as string[] | undefined) ?? [])
  return Object.entries((schema.properties as Record<string, { description?: string }> | undefined) ?? {}).map(([name, p]) => ({ name, required: required.has(name), description: p.description }))
}
