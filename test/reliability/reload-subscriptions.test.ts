/**
 * Hot reload with the real `motia dev` (issue #9 points 9 and 11): a queue step whose import chain
 * breaks keeps its subscription, so messages wait instead of being dropped; a helper that had a
 * syntax error or a top-level throw recovers once fixed; a queue that loses its subscriber while
 * it still holds messages is reported.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

let project: TempProject | undefined
let cli: CliProcess | undefined

afterEach(async () => {
  await cli?.stop()
  project?.cleanup()
  cli = project = undefined
})

const helper = (version: string) => `export const stamp = (id: string) => id + '@${version}'\n`
const post = (path: string, body: unknown) => cli!.fetch(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
const done = async (): Promise<Record<string, string>> => (await cli!.json('/done')) as Record<string, string>

describe('motia dev: a queue step whose import chain fails to load', () => {
  test('keeps its messages while broken and processes every one once the helper is fixed', async () => {
    project = makeProject({
      // The step imports lib/format.ts, which imports lib/deep/stamp.ts: two levels deep.
      'lib/deep/stamp.ts': helper('v1'),
      'lib/format.ts': `import { stamp } from './deep/stamp.ts'\nexport const format = (id: string) => stamp(id)\n`,
      'steps/queue/jobs/record.step.ts': `
        import { format } from '../../../lib/format.ts'
        export const handler = async (job, { state }) => { await state.set('done', job.id, format(job.id)) }
      `,
      'steps/http/jobs.post.step.ts': `
        export const config = { enqueues: ['jobs'] }
        export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'jobs', data: req.body }); return { status: 202 } }
      `,
      'steps/http/done.get.step.ts': `
        export const handler = async (req, { state }) => ({ status: 200, body: Object.fromEntries((await state.entries('done')).map((e) => [e.key, e.value])) })
      `,
    })
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
    expect((await post('/jobs', { id: 'a' })).status).toBe(202)
    await cli.until('/done', (body) => (body as Record<string, string>).a === 'a@v1', 10_000)

    // 1. A syntax error two imports away from the step.
    let mark = cli.output().length
    project.write('lib/deep/stamp.ts', `export const stamp = (id: string) => id + = '@broken'\n`)
    await cli.waitForOutput(/\(steps\/queue\/jobs\/record\.step\.ts\) failed to load: messages to \\"jobs\\" wait in its queue/, mark, 10_000)
    expect((await post('/jobs', { id: 'b' })).status).toBe(202)
    const viaCli = await runCli(['enqueue', '--topic', 'jobs', '--data', '{"id":"c"}'], project.root)
    expect(viaCli.code).toBe(0)
    await Bun.sleep(300)
    expect(Object.keys(await done()).sort()).toEqual(['a'])
    project.write('lib/deep/stamp.ts', helper('v2'))
    await cli.until('/done', (body) => {
      const seen = body as Record<string, string>
      return seen.b === 'b@v2' && seen.c === 'c@v2'
    }, 60_000)

    // 2. A helper that throws at its top level, then is fixed.
    mark = cli.output().length
    project.write('lib/deep/stamp.ts', `throw new Error('stamp is not configured')\n${helper('never')}`)
    await cli.waitForOutput(/stamp is not configured/, mark, 10_000)
    await cli.waitForOutput(/failed to load: messages to \\"jobs\\" wait in its queue/, mark, 10_000)
    expect((await post('/jobs', { id: 'd' })).status).toBe(202)
    expect((await post('/jobs', { id: 'e' })).status).toBe(202)
    project.write('lib/deep/stamp.ts', helper('v3'))
    await cli.until('/done', (body) => {
      const seen = body as Record<string, string>
      return seen.d === 'd@v3' && seen.e === 'e@v3'
    }, 60_000)

    expect(await done()).toEqual({ a: 'a@v1', b: 'b@v2', c: 'c@v2', d: 'd@v3', e: 'e@v3' })
    expect(cli.output()).not.toContain('reached no subscriber')
  }, 90_000)
})

describe('motia dev: a topic renamed while its queue holds messages', () => {
  test('warns with the topic, the step, how many messages are left and what to do', async () => {
    const subscriber = (topic: string) => `
      export const config = { triggers: [{ type: 'queue', topic: '${topic}' }] }
      export const handler = async (job, { state }) => { await state.set('done', job.id, '${topic}') }
    `
    project = makeProject({
      'steps/queue/ship.step.ts': subscriber('orders'),
      'steps/http/orders.post.step.ts': `
        export const config = { enqueues: ['orders'] }
        export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'orders', data: req.body, delayMs: 600000 }); return { status: 202 } }
      `,
    })
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
    for (const id of ['o1', 'o2', 'o3']) expect((await post('/orders', { id })).status).toBe(202)
    const mark = cli.output().length
    project.write('steps/queue/ship.step.ts', subscriber('orders-v2'))
    await cli.waitForOutput(/topic \\"orders\\" no longer has step \\"Ship\\"/, mark, 10_000)
    const line = cli.output().slice(mark).split('\n').find((l) => l.includes('no longer has step'))!
    const entry = JSON.parse(line) as { level: string; msg: string; topic: string; step: string; messages: number }
    expect(entry).toMatchObject({ level: 'warn', topic: 'orders', step: 'Ship', messages: 3 })
    expect(entry.msg).toContain('(steps/queue/ship.step.ts) as a subscriber, and 3 message(s) are still in its queue')
    expect(entry.msg).toContain('subscribe a step named "Ship" to "orders" again')
    expect(entry.msg).toContain('motia enqueue --topic')
  }, 60_000)
})
