import { expect, test } from 'bun:test'
import { localTraceNumber, newTraceId, spanIdOf, traceIdOf } from './ids.ts'

test('trace ids are 32 hex digits, span ids 16, all different', () => {
  const traces = new Set(Array.from({ length: 1000 }, newTraceId))
  const spans = new Set(Array.from({ length: 1000 }, (_, i) => spanIdOf(i + 1)))
  expect(traces.size).toBe(1000)
  expect(spans.size).toBe(1000)
  expect([...traces].every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true)
  expect([...spans].every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true)
})

test('another process draws another prefix', async () => {
  const script = `import { newTraceId } from ${JSON.stringify(`${import.meta.dir}/ids.ts`)}; console.log(newTraceId())`
  const other = (await new Response(Bun.spawn([process.execPath, '-e', script]).stdout).text()).trim()
  expect(other).toMatch(/^[0-9a-f]{32}$/)
  expect(other.slice(0, 20)).not.toBe(newTraceId().slice(0, 20))
})

test('a trace id made here reads back as its number, also across the 4096 boundary; others read as 0', () => {
  const ids = Array.from({ length: 5000 }, newTraceId)
  const numbers = ids.map(localTraceNumber)
  for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[0]! + i)
  // Read back without the newest-id shortcut too: a copy of the string is parsed.
  expect(localTraceNumber(`${ids[10]!}`.split('').join(''))).toBe(numbers[10]!)
  for (const id of ids.slice(0, 50)) expect(traceIdOf(localTraceNumber(id))).toBe(id)
  expect(localTraceNumber('0af7651916cd43dd8448eb211c80319c')).toBe(0)
  expect(localTraceNumber('nope')).toBe(0)
  expect(localTraceNumber(`${ids[0]!.slice(0, 31)}g`)).toBe(0)
})

test('ids cover the whole counter range: 12 digits for traces, 8 (wrapping) for spans', () => {
  expect(traceIdOf(2 ** 48 - 1).slice(20)).toBe('ffffffffffff')
  expect(localTraceNumber(traceIdOf(2 ** 40 + 77))).toBe(2 ** 40 + 77)
  expect(spanIdOf(0xabcdef12).slice(8)).toBe('abcdef12')
  expect(spanIdOf(2 ** 32 + 1).slice(8)).toBe('00000001')
})
