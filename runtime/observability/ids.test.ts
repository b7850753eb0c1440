import { expect, test } from 'bun:test'
import { newSpanId, newTraceId } from './ids.ts'

test('trace ids are 32 hex digits, span ids 16, all different', () => {
  const traces = new Set(Array.from({ length: 1000 }, newTraceId))
  const spans = new Set(Array.from({ length: 1000 }, newSpanId))
  expect(traces.size).toBe(1000)
  expect(spans.size).toBe(1000)
  expect([...traces].every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true)
  expect([...spans].every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true)
})

test('another process draws another prefix', async () => {
  const script = `import { newTraceId } from ${JSON.stringify(`${import.meta.dir}/ids.ts`)}; console.log(newTraceId())`
  const other = (await new Response(Bun.spawn([process.execPath, '-e', script]).stdout).text()).trim()
  expect(other).toMatch(/^[0-9a-f]{32}$/)
  expect(other.slice(0, 24)).not.toBe(newTraceId().slice(0, 24))
})
