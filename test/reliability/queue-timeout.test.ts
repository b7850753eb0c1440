/**
 * A hung handler never stops its step (issue #9, points 10, 12 and 18), against a real
 * `motia start` on a real port: it is cut off after `config.timeoutMs`, the next message runs,
 * the message is dead-lettered "timed out after N ms" with one warning line, and the same holds
 * after a kill -9 and a restart. A message that recovers after a retry leaves a succeeded trace
 * with its failed attempt shown.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { readProjectLock } from '../../runtime/project-lock.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

let project: TempProject
let server: CliProcess | undefined

beforeAll(() => {
  project = makeProject({
    'steps/queue/slow.step.ts': `
      import { writeFileSync } from 'node:fs'
      export const config = { triggers: [{ type: 'queue', config: { concurrency: 1, timeoutMs: 1000, maxRetries: 1, backoff: { type: 'fixed', delayMs: 10 } } }] }
      export const handler = async (job, { state, attempt }) => {
        if (job.hang) {
          writeFileSync('hung-' + job.id + '-' + attempt, '')
          await new Promise(() => {})
        }
        await state.set('done', job.id, attempt)
      }
    `,
    'steps/queue/flaky.step.ts': `
      export const config = { triggers: [{ type: 'queue', config: { maxRetries: 2, backoff: { type: 'fixed', delayMs: 10 } } }] }
      export const handler = async (job, { state, attempt }) => {
        if (attempt === 1) throw new Error('first attempt fails')
        await state.set('flaky', job.id, attempt)
      }
    `,
    'steps/http/done.get.step.ts': `
      export const handler = async (req, { state }) => ({ status: 200, body: Object.fromEntries((await state.entries('done')).map((e) => [e.key, e.value])) })
    `,
  })
})

afterAll(async () => {
  await server?.stop()
  project.cleanup()
})

const enqueue = async (topic: string, data: unknown) => {
  const result = await runCli(['enqueue', '-t', topic, '--data', JSON.stringify(data), '--json'], project.root)
  expect(result.stderr).toBe('')
  return JSON.parse(result.stdout) as { traceId: string; via: string }
}

const deadLetters = async () => JSON.parse((await runCli(['dlq', 'list', '--json'], project.root)).stdout) as Array<{ data: { id: string }; attempts: number; error: string }>

test('a hung run of a concurrency 1 step is cut off: the next message runs, the hung one is dead-lettered with one warning', async () => {
  server = await startCli(['start', '--port', String(freePort())], project.root)
  await enqueue('slow', { id: 'h1', hang: true })
  await enqueue('slow', { id: 'ok1' })
  await server.until('/done', (body) => (body as Record<string, number>).ok1 === 1, 15_000)
  await waitUntil(async () => (await deadLetters()).some((letter) => letter.data.id === 'h1'))
  expect((await deadLetters()).find((letter) => letter.data.id === 'h1')).toMatchObject({ attempts: 2, error: 'timed out after 1000 ms' })
  expect(existsSync(join(project.root, 'hung-h1-2'))).toBe(true)
  await server.waitForOutput(/dead-lettered a message on \\"slow\\"/)
  const warnings = server.output().split('\n').filter((line) => line.includes('dead-lettered a message on'))
  expect(warnings).toHaveLength(1)
  expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 'warn', step: 'Slow', topic: 'slow', attempts: 2, error: 'timed out after 1000 ms' })
}, 60_000)

test('a retried message that recovers leaves a succeeded trace with its failed attempt shown', async () => {
  const { traceId, via } = await enqueue('flaky', { id: 'f1' })
  expect(via).toBe('server')
  const { token } = readProjectLock(project.root)!
  const headers = { 'x-motia-token': token }
  await waitUntil(async () => {
    const trace = (await (await server!.fetch(`/__motia/traces/${traceId}`, { headers })).json()) as { spans?: Array<{ status: string }> }
    return trace.spans?.some((span) => span.status === 'ok') ?? false
  })
  const trace = (await (await server!.fetch(`/__motia/traces/${traceId}`, { headers })).json()) as { spans: Array<{ step: string; attempt?: number; status: string; error?: string }> }
  expect(trace.spans.map((span) => [span.step, span.attempt, span.status, span.error])).toEqual([
    ['Flaky', 1, 'error', 'first attempt fails'],
    ['Flaky', 2, 'ok', undefined],
  ])
  const { traces } = (await (await server!.fetch('/__motia/traces', { headers })).json()) as { traces: Array<{ id: string; status: string }> }
  expect(traces.find((summary) => summary.id === traceId)?.status).toBe('ok')
}, 60_000)

test('after a kill -9 during a hung run, the restarted server cuts it off again and goes on', async () => {
  await enqueue('slow', { id: 'h2', hang: true })
  await waitUntil(() => existsSync(join(project.root, 'hung-h2-1')))
  await server!.stop()
  server = await startCli(['start', '--port', String(freePort())], project.root)
  await enqueue('slow', { id: 'ok2' })
  await server.until('/done', (body) => (body as Record<string, number>).ok2 === 1, 15_000)
  await waitUntil(async () => (await deadLetters()).some((letter) => letter.data.id === 'h2'))
}, 60_000)

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms:\n${server?.output()}`)
    await Bun.sleep(50)
  }
}
