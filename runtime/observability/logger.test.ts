import { expect, test } from 'bun:test'
import { createLogger, jsonSink, prettySink, type LogEntry } from './logger.ts'

test('entries below the level are dropped', () => {
  const entries: LogEntry[] = []
  const logger = createLogger((e) => entries.push(e), { level: 'warn' })
  logger.info('quiet')
  logger.error('loud')
  expect(entries.map((e) => e.msg)).toEqual(['loud'])
})

test('child loggers add their bindings and errors are serialised', () => {
  const entries: LogEntry[] = []
  createLogger((e) => entries.push(e)).child({ step: 'A', traceId: 't1' }).warn('oops', { error: new Error('bad') })
  expect(entries[0]).toMatchObject({ level: 'warn', msg: 'oops', step: 'A', traceId: 't1', error: { name: 'Error', message: 'bad' } })
})

test('the JSON sink writes one parseable line with an ISO time', () => {
  const lines: string[] = []
  createLogger(jsonSink((l) => lines.push(l))).info('hello', { n: 1 })
  expect(lines[0]!.endsWith('\n')).toBe(true)
  const parsed = JSON.parse(lines[0]!)
  expect(parsed).toMatchObject({ level: 'info', msg: 'hello', n: 1 })
  expect(new Date(parsed.time).toISOString()).toBe(parsed.time)
})

test('the pretty sink shows level, step, message and fields on one line', () => {
  const lines: string[] = []
  createLogger(prettySink((l) => lines.push(l))).child({ step: 'SendEmail' }).error('failed', { to: 'a@b.c' })
  const plain = lines[0]!.replace(/\x1b\[\d+m/g, '')
  expect(plain).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR SendEmail failed \{"to":"a@b.c"\}\n$/)
})
