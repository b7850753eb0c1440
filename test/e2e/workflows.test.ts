/**
 * Durable workflows through the real CLI on the embedded SQLite store: a run killed with kill -9
 * between checkpoints resumes on the next server without re-running the completed ones; a sleep
 * crosses the restart; `motia runs cancel` stops a sleeping run for good; a run whose code changed
 * under it is refused, naming the checkpoint; `motia runs list|show` read it all.
 */
import { afterAll, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Checkpoint, WorkflowRun } from '../../runtime/adapters/workflows/types.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject } from '../helpers/project.ts'
import { waitFor } from '../../runtime/testing/wait.ts'

const changed = (first: string) => `
  export const config = { name: 'Change', triggers: [{ type: 'http', method: 'POST', path: '/change' }], workflow: true }
  export const handler = async (req, ctx) => {
    await ctx.run('${first}', () => 'first')
    await ctx.sleep('nap', '15s')
    await ctx.run('last', () => 'last')
  }
`
const project = makeProject({
  'steps/crash.step.ts': `
    import { existsSync } from 'node:fs'
    export const config = { name: 'Crash', triggers: [{ type: 'http', method: 'POST', path: '/crash' }], workflow: true }
    export const handler = async (req, ctx) => {
      const one = await ctx.run('one', async () => {
        await ctx.state.update('count', 'one', [{ type: 'increment' }])
        return 'one done'
      })
      const two = await ctx.run('two', async () => {
        await ctx.state.update('count', 'two', [{ type: 'increment' }])
        // Holds here until the test lets it go: the first server is killed inside this checkpoint.
        while (!existsSync(req.body.gate)) await Bun.sleep(20)
        return 'two done'
      })
      return { one, two }
    }
  `,
  'steps/nap.step.ts': `
    export const config = { name: 'Nap', triggers: [{ type: 'http', method: 'POST', path: '/nap' }], workflow: true }
    export const handler = async (req, ctx) => {
      await ctx.run('before', () => ctx.state.update('count', 'before-' + req.body.name, [{ type: 'increment' }]).then(() => 1))
      await ctx.sleep('nap', req.body.sleep)
      await ctx.run('after', () => ctx.state.update('count', 'after-' + req.body.name, [{ type: 'increment' }]).then(() => 2))
      return 'rested'
    }
  `,
  'steps/change.step.ts': changed('a'),
  'steps/http/count.get.step.ts': `
    export const handler = async (req, { state }) => ({ status: 200, body: Object.fromEntries((await state.entries('count')).map((e) => [e.key, e.value])) })
  `,
})
let server: CliProcess | undefined

afterAll(async () => {
  await server?.stop()
  project.cleanup()
})

const cli = async (args: string[]) => {
  const result = await runCli(args, project.root)
  if (result.code !== 0) throw new Error(`motia ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  return result.stdout
}
const runOf = async (id: string) => JSON.parse(await cli(['runs', 'show', id, '--json'])) as { run: WorkflowRun; checkpoints: Checkpoint[] }
const until = (id: string, status: string) => waitFor(async () => (await runOf(id)).run.status === status, 60_000)
const post = async (path: string, body: unknown) => {
  const res = await server!.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.status).toBe(202)
  return ((await res.json()) as { runId: string }).runId
}

test('kill -9 between checkpoints, a sleep across the restart, cancel, and a changed sequence, through the real CLI', async () => {
  const port = freePort()
  const gate = join(project.root, 'gate')
  server = await startCli(['start', '--port', String(port)], project.root)

  const crash = await post('/crash', { gate })
  const rested = await post('/nap', { name: 'rested', sleep: '15s' })
  const cancelled = await post('/nap', { name: 'cancelled', sleep: '15s' })
  const change = await post('/change', {})
  await server.until('/count', (body) => (body as Record<string, number>).two === 1, 30_000)
  for (const id of [rested, cancelled, change]) await until(id, 'sleeping')

  // Cancel from the CLI while the server runs: the sleeping run never resumes.
  expect(await cli(['runs', 'cancel', cancelled])).toContain(`cancelled ${cancelled}`)
  expect((await runOf(cancelled)).run).toMatchObject({ status: 'cancelled', error: 'cancelled with motia runs cancel' })

  // kill -9 inside checkpoint "two" ("one" is recorded); the three others sleep in the store.
  server.signal('SIGKILL')
  await server.exited()
  expect((await runOf(crash)).checkpoints.map((c) => c.id)).toEqual(['one'])
  writeFileSync(join(project.root, 'steps/change.step.ts'), changed('a-renamed'))

  server = await startCli(['start', '--port', String(port)], project.root)
  writeFileSync(gate, '')
  await until(crash, 'completed')
  await until(rested, 'completed')
  await until(change, 'failed')

  const counts = (await server.json('/count')) as Record<string, number>
  // "one" completed before the kill: never again. "two" was cut off mid-way: it ran again (at-least-once inside).
  expect(counts.one).toBe(1)
  expect(counts.two).toBe(2)
  const crashed = await runOf(crash)
  expect(crashed.run.output).toEqual({ one: 'one done', two: 'two done' })
  expect(crashed.checkpoints.map((c) => [c.id, c.value])).toEqual([
    ['one', 'one done'],
    ['two', 'two done'],
  ])
  // The sleep crossed the restart; its "before" checkpoint ran once.
  expect(counts['before-rested']).toBe(1)
  expect(counts['after-rested']).toBe(1)
  expect((await runOf(rested)).run.output).toBe('rested')
  // The cancelled run stayed cancelled although its wake-up was due before "rested" completed.
  expect((await runOf(cancelled)).run.status).toBe('cancelled')
  expect(counts['after-cancelled']).toBeUndefined()
  // The changed code is refused, naming the checkpoint, what the record holds, and the fix.
  const refused = (await runOf(change)).run.error!
  expect(refused).toContain(`workflow run ${change} of step "Change" (steps/change.step.ts) no longer fits its code: checkpoint #1 is run "a-renamed" in the code but run "a" in the record`)
  expect(refused).toContain(`motia runs cancel ${change}`)

  const listed = JSON.parse(await cli(['runs', 'list', '--json'])) as WorkflowRun[]
  expect(listed.map((run) => [run.id, run.status]).sort()).toEqual(
    [
      [crash, 'completed'],
      [rested, 'completed'],
      [cancelled, 'cancelled'],
      [change, 'failed'],
    ].sort(),
  )
  expect(await cli(['runs', 'list', '--status', 'failed'])).toContain(change)
  const shown = await cli(['runs', 'show', crash])
  expect(shown).toContain('status     completed')
  expect(shown).toMatch(/1\s+one\s+run\s+yes/)
  // Mistakes are one line and exit code 1.
  const unknown = await runCli(['runs', 'show', 'run_nope'], project.root)
  expect([unknown.code, unknown.stderr.trim()]).toEqual([1, '[motia] no workflow run with id run_nope: see motia runs list'])
  const badStatus = await runCli(['runs', 'list', '--status', 'asleep'], project.root)
  expect(badStatus.code).toBe(1)
  expect(badStatus.stderr).toContain('--status must be one of queued, running, sleeping, waiting, completed, failed, cancelled')
  const ended = await runCli(['runs', 'cancel', crash], project.root)
  expect(ended.stdout).toContain(`${crash} is completed already: nothing to cancel`)
}, 180_000)
