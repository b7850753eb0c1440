/**
 * Replay through the real CLI against a real `motia dev`: a recorded run is re-run with its
 * recorded input against the code as edited since (hot reload), and the new trace is printed
 * beside the old one; a durable run is started again from a chosen checkpoint, the ones before it
 * replayed from the record, not executed.
 */
import { afterAll, expect, test } from 'bun:test'
import type { WorkflowRun } from '../../runtime/adapters/workflows/types.ts'
import type { TraceReplay } from '../../runtime/workflows/replay.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject } from '../helpers/project.ts'

const greet = (version: number) => `
  export const config = { name: 'Greet', triggers: [{ type: 'http', method: 'POST', path: '/greet' }] }
  export const handler = async (req, { state }) => {
    await state.set('greetings', req.body.name + '-v${version}', { version: ${version} })
    return { status: 200, body: { hello: req.body.name, version: ${version} } }
  }
`
const project = makeProject({
  'steps/greet.step.ts': greet(1),
  'steps/flow.step.ts': `
    export const config = { name: 'Flow', triggers: [{ type: 'http', method: 'POST', path: '/flow' }], workflow: true }
    export const handler = async (req, ctx) => {
      const a = await ctx.run('a', () => ctx.state.update('count', 'a', [{ type: 'increment' }]).then((n) => 'a' + n))
      const b = await ctx.run('b', () => ctx.state.update('count', 'b', [{ type: 'increment' }]).then((n) => 'b' + n))
      return { a, b, input: req.body }
    }
  `,
  'steps/http/read.get.step.ts': `
    export const handler = async (req, { state }) => ({ status: 200, body: { greetings: await state.entries('greetings'), count: Object.fromEntries((await state.entries('count')).map((e) => [e.key, e.value])) } })
  `,
})
let server: CliProcess | undefined

afterAll(async () => {
  await server?.stop()
  project.cleanup()
})

test('motia replay re-runs a recorded run on the current code and a durable run from a checkpoint', async () => {
  server = await startCli(['dev', '--port', String(freePort())], project.root)
  const cli = (args: string[]) => runCli(args, project.root)
  const sent = await server.fetch('/greet', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ada' }) })
  expect(await sent.json()).toEqual({ hello: 'ada', version: 1 })
  const traceId = sent.headers.get('x-trace-id')!

  // Edit the step; the dev server reloads it.
  project.write('steps/greet.step.ts', greet(2))
  await waitFor(async () => {
    const res = await server!.fetch('/greet', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'probe' }) })
    return ((await res.json()) as { version: number }).version === 2
  }, 60_000)

  const printed = await cli(['replay', traceId])
  expect(printed.code).toBe(0)
  expect(printed.stdout).toContain('replayed Greet: ok')
  expect(printed.stdout).toMatch(new RegExp(`ORIGINAL ${traceId}\\s+REPLAY [0-9a-f]{32}`))
  expect(printed.stdout).toMatch(/Greet \(http\) ok .*Greet \(http\) ok/)
  const replay = JSON.parse((await cli(['replay', traceId, '--step', 'Greet', '--json'])).stdout) as TraceReplay
  expect(replay).toMatchObject({ step: 'Greet', ok: true, original: { id: traceId } })
  expect(replay.traceId).not.toBe(traceId)
  expect(replay.replay!.spans.map((s) => [s.step, s.status])).toEqual([['Greet', 'ok']])
  // The recorded input ran against the new code.
  const read = (await server.json('/read')) as { greetings: Array<{ key: string }> }
  expect(read.greetings.map((g) => g.key).filter((key) => key.startsWith('ada')).sort()).toEqual(['ada-v1', 'ada-v2'])

  // A durable run, replayed from its second checkpoint: "a" comes from the record, "b" runs again.
  const started = await server.fetch('/flow', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order: 7 }) })
  const { runId } = (await started.json()) as { runId: string }
  const show = async (id: string) => JSON.parse((await cli(['runs', 'show', id, '--json'])).stdout) as { run: WorkflowRun }
  await waitFor(async () => (await show(runId)).run.status === 'completed', 30_000)
  const again = await cli(['replay', runId, '--from', 'b', '--json'])
  expect(again.code).toBe(0)
  const copy = (JSON.parse(again.stdout) as { run: WorkflowRun }).run
  expect(copy.replayOf).toBe(runId)
  await waitFor(async () => (await show(copy.id)).run.status === 'completed', 30_000)
  expect((await show(copy.id)).run.output).toEqual({ a: 'a1', b: 'b2', input: { order: 7 } })
  expect(((await server.json('/read')) as { count: Record<string, number> }).count).toEqual({ a: 1, b: 2 })

  // Mistakes are one line and exit code 1.
  const missing = await cli(['replay', '0'.repeat(32)])
  expect([missing.code, missing.stderr.trim()]).toEqual([1, `[motia] no trace "${'0'.repeat(32)}" in this server (the store keeps the newest traces only): see motia traces`])
  const noCheckpoint = await cli(['replay', runId, '--from', 'zz'])
  expect(noCheckpoint.stderr.trim()).toBe(`[motia] run ${runId} has no checkpoint "zz"; its checkpoints: a, b`)
  const garbage = await cli(['replay', 'not-an-id'])
  expect(garbage.stderr.trim()).toBe('[motia] "not-an-id" is neither a trace id (32 hex digits, see motia traces) nor a run id (run_…, see motia runs list)')
}, 120_000)
