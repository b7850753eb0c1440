/**
 * One bad enqueue fails alone (issue #9, point 8), against a real `motia start` on a real port:
 * a bad `delayMs` or `messageGroupId` is a 400 naming the field, the value and the fix, and the
 * good requests sent with it are accepted and delivered.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readProjectLock } from '../../runtime/project-lock.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

let project: TempProject
let server: CliProcess

beforeAll(async () => {
  project = makeProject({
    'steps/http/jobs.post.step.ts': `
      export const config = { enqueues: ['jobs'] }
      export const handler = async (req, { enqueue }) => {
        const { id, delayMs, group } = req.body
        // "nan" stands for a computed NaN, which JSON cannot carry.
        await enqueue({ topic: 'jobs', data: { id }, delayMs: delayMs === 'nan' ? Number.NaN : delayMs, messageGroupId: group })
        return { status: 202, body: { id } }
      }
    `,
    'steps/queue/jobs.step.ts': `
      export const config = { triggers: [{ type: 'queue', config: { concurrency: 20 } }] }
      export const handler = async (job, { state }) => { await state.update('arrived', String(job.id), [{ type: 'increment' }]) }
    `,
    'steps/http/arrived.get.step.ts': `
      export const handler = async (req, { state }) => ({ status: 200, body: await state.list('arrived') })
    `,
  })
  server = await startCli(['start', '--port', String(freePort())], project.root)
}, 60_000)

afterAll(async () => {
  await server?.stop()
  project.cleanup()
})

const post = (body: unknown) => server.fetch('/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

test('50 good enqueues sent with bad ones are all accepted and delivered; each bad one is a 400 naming what is wrong', async () => {
  const bad = [
    { id: 'b1', delayMs: '5000' },
    { id: 'b2', delayMs: 'nan' },
    { id: 'b3', delayMs: -1 },
    { id: 'b4', group: 42 },
  ]
  const good = Array.from({ length: 50 }, (_, n) => ({ id: n, delayMs: n % 5 === 0 ? 10 : undefined, group: n % 2 ? 'g' : undefined }))
  const all = [...good.slice(0, 25), ...bad, ...good.slice(25)]
  const responses = await Promise.all(all.map(async (body) => ({ body, res: await post(body) })))
  const statuses = responses.map(({ body, res }) => `${body.id}:${res.status}`)
  expect(statuses.filter((entry) => entry.endsWith(':202'))).toHaveLength(50)
  expect(statuses.filter((entry) => entry.startsWith('b'))).toEqual(['b1:400', 'b2:400', 'b3:400', 'b4:400'])
  const errors = await Promise.all(responses.filter(({ res }) => res.status === 400).map(async ({ res }) => ((await res.json()) as { error: string }).error))
  expect(errors).toEqual([
    '[motia] enqueue to "jobs": delayMs must be a finite number of milliseconds ≥ 0, got "5000" (a string): pass a number, e.g. delayMs: 5000, or leave it out',
    '[motia] enqueue to "jobs": delayMs must be a finite number of milliseconds ≥ 0, got NaN: pass a number, e.g. delayMs: 5000, or leave it out',
    '[motia] enqueue to "jobs": delayMs must be a finite number of milliseconds ≥ 0, got -1: pass a number, e.g. delayMs: 5000, or leave it out',
    "[motia] enqueue to \"jobs\": messageGroupId must be a string, got 42: pass a string, e.g. messageGroupId: '42', or leave it out",
  ])
  await server.until('/arrived', (body) => (body as unknown[]).length === 50, 15_000)
  // state.list answers the values: one count per message id.
  const arrived = (await server.json('/arrived')) as number[]
  expect(arrived.every((count) => count === 1)).toBe(true)
  expect(server.output()).not.toContain('Internal Server Error')
}, 60_000)

test('POST /__motia/enqueue refuses a bad delayMs or messageGroupId with a 400 and stores nothing', async () => {
  const { token } = readProjectLock(project.root)!
  const control = (body: unknown) =>
    server.fetch('/__motia/enqueue', { method: 'POST', headers: { 'content-type': 'application/json', 'x-motia-token': token }, body: JSON.stringify(body) })
  const delay = await control({ topic: 'jobs', data: { id: 'c1' }, delayMs: '60000' })
  expect(delay.status).toBe(400)
  expect(((await delay.json()) as { error: string }).error).toContain('delayMs must be a finite number of milliseconds ≥ 0, got "60000" (a string): pass a number, e.g. delayMs: 60000')
  const group = await control({ topic: 'jobs', data: { id: 'c2' }, messageGroupId: ['a'] })
  expect(group.status).toBe(400)
  expect(((await group.json()) as { error: string }).error).toContain('messageGroupId must be a string, got ["a"] (an array)')
  const fine = await control({ topic: 'jobs', data: { id: 'c3' }, delayMs: null, messageGroupId: 'g' })
  expect(fine.status).toBe(202)
  await server.until('/arrived', (body) => (body as unknown[]).length === 51, 15_000)
})
