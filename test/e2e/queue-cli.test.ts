/**
 * End to end: `motia enqueue`, `motia dlq` and `motia state` against a real project, with and
 * without a running `motia start`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'

describe('motia enqueue / dlq / state', () => {
  let project: TempProject
  let server: CliProcess | undefined

  beforeAll(() => {
    project = makeProject({
      'steps/queue/orders/fulfil.step.ts': `
        import { NonRetriableError } from 'motia'
        import { z } from 'zod'
        export const config = { triggers: [{ type: 'queue', topic: 'orders', input: z.object({ id: z.string() }), config: { maxRetries: 0 } }] }
        export const handler = async (order, { state }) => {
          if (await state.get('settings', 'broken')) throw new NonRetriableError('fulfilment is switched off')
          await state.set('fulfilled', order.id, { id: order.id })
        }
      `,
    })
  })

  afterAll(async () => {
    await server?.stop()
    project.cleanup()
  })

  test('reading the store before any server ran says what to do', async () => {
    const result = await runCli(['dlq', 'list'], project.root)
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toMatch(/^\[motia\] no store yet in .*: run `motia dev` or `motia start`/)
  })

  test('enqueue with no server writes to the store; the next server delivers it', async () => {
    const result = await runCli(['enqueue', '--topic', 'orders', '--data', '{"id":"early"}'], project.root)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/enqueued "orders" for Fulfil \(store, trace [0-9a-f-]+\)/)
    server = await startCli(['start', '--port', String(freePort())], project.root)
    await waitForCli(['state', 'get', 'fulfilled', 'early'], project.root, (out) => out.includes('"early"'))
  })

  test('enqueue through the running server', async () => {
    const result = await runCli(['enqueue', '-t', 'orders', '--data', '{"id":"live"}', '--json'], project.root)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ via: 'server', subscribers: ['Fulfil'] })
    await waitForCli(['state', 'get', 'fulfilled', 'live'], project.root, (out) => out.includes('"live"'))
  })

  test('bad input gets one line naming the problem', async () => {
    const invalid = await runCli(['enqueue', '-t', 'orders', '--data', '{"id":42}'], project.root)
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toContain('rejected by the input schema of step "Fulfil"')
    expect(invalid.stderr.trim().split('\n')).toHaveLength(1)
    const unknown = await runCli(['enqueue', '-t', 'nope', '--data', '{}'], project.root)
    expect(unknown.stderr.trim()).toBe('[motia] no step subscribes to topic "nope"; known topics: orders')
    const notJson = await runCli(['enqueue', '-t', 'orders', '--data', '{id:1}'], project.root)
    expect(notJson.code).toBe(1)
    expect(notJson.stderr).toContain('--data is not valid JSON')
  })

  test('a failing message lands in the DLQ, and replay after a fix delivers it', async () => {
    expect((await runCli(['state', 'set', 'settings', 'broken', 'true'], project.root)).stdout).toBe('created settings/broken\n')
    await runCli(['enqueue', '-t', 'orders', '--data', '{"id":"unlucky"}'], project.root)
    await waitForCli(['dlq', 'list'], project.root, (out) => out.includes('fulfilment is switched off'))
    const listed = JSON.parse((await runCli(['dlq', 'list', '--json', '--step', 'Fulfil'], project.root)).stdout)
    expect(listed).toEqual([expect.objectContaining({ step: 'Fulfil', topic: 'orders', data: { id: 'unlucky' }, attempts: 1, error: 'fulfilment is switched off' })])
    const table = (await runCli(['dlq', 'list'], project.root)).stdout
    expect(table).toMatch(/^ID\s+STEP\s+TOPIC\s+ATTEMPTS\s+FAILED AT\s+ERROR/)

    expect((await runCli(['dlq', 'replay', 'm-does-not-exist'], project.root)).stderr.trim()).toBe('[motia] no dead letter with id m-does-not-exist: see motia dlq list')
    await runCli(['state', 'set', 'settings', 'broken', 'false'], project.root)
    expect((await runCli(['dlq', 'replay', listed[0].id], project.root)).stdout).toBe('replayed 1 message(s)\n')
    await waitForCli(['state', 'get', 'fulfilled', 'unlucky'], project.root, (out) => out.includes('"unlucky"'))
    expect((await runCli(['dlq', 'list'], project.root)).stdout).toBe('no dead letters\n')
  })

  test('purge deletes dead letters', async () => {
    await runCli(['state', 'set', 'settings', 'broken', 'true'], project.root)
    await runCli(['enqueue', '-t', 'orders', '--data', '{"id":"doomed"}'], project.root)
    await waitForCli(['dlq', 'list', '--json'], project.root, (out) => JSON.parse(out).length === 1)
    expect(JSON.parse((await runCli(['dlq', 'purge', '--json'], project.root)).stdout)).toEqual({ purged: 1 })
    expect(JSON.parse((await runCli(['dlq', 'list', '--json'], project.root)).stdout)).toEqual([])
  })

  test('state list shows groups and entries', async () => {
    expect((await runCli(['state', 'list'], project.root)).stdout.split('\n')).toEqual(expect.arrayContaining(['fulfilled', 'settings']))
    const entries = JSON.parse((await runCli(['state', 'list', 'fulfilled', '--json'], project.root)).stdout)
    expect(entries.map((e: { key: string }) => e.key).sort()).toEqual(['early', 'live', 'unlucky'])
    const missing = await runCli(['state', 'get', 'fulfilled', 'ghost'], project.root)
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe('[motia] no value at fulfilled/ghost: see motia state list fulfilled')
  })

  test('replay --all puts every dead letter back, and the running server delivers them', async () => {
    await runCli(['state', 'set', 'settings', 'broken', 'true'], project.root)
    const ids = ['all-1', 'all-2', 'all-3']
    for (const id of ids) await runCli(['enqueue', '-t', 'orders', '--data', JSON.stringify({ id })], project.root)
    await waitForCli(['dlq', 'list', '--json'], project.root, (out) => JSON.parse(out).length === ids.length)
    await runCli(['state', 'set', 'settings', 'broken', 'false'], project.root)

    const neither = await runCli(['dlq', 'replay'], project.root)
    expect({ code: neither.code, stderr: neither.stderr }).toEqual({ code: 1, stderr: '[motia] name the dead letters to replay (motia dlq replay <id...>) or pass --all\n' })
    const both = await runCli(['dlq', 'replay', 'm1', '--all'], project.root)
    expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 1, stderr: '[motia] pass either ids or --all, not both\n' })

    const replayed = await runCli(['dlq', 'replay', '--all'], project.root)
    expect({ code: replayed.code, stdout: replayed.stdout }).toEqual({ code: 0, stdout: `replayed ${ids.length} message(s)\n` })
    for (const id of ids) await waitForCli(['state', 'get', 'fulfilled', id], project.root, (out) => out.includes(`"${id}"`))
    expect(JSON.parse((await runCli(['dlq', 'list', '--json'], project.root)).stdout)).toEqual([])
    expect((await runCli(['dlq', 'replay', '--all'], project.root)).stdout).toBe('replayed 0 message(s)\n')
  }, 90_000)

  test('traces of a production server need the token from the lock file', async () => {
    expect((await server!.fetch('/__motia/traces')).status).toBe(403)
    const { token } = JSON.parse(await Bun.file(`${project.root}/.motia/server.lock`).text()) as { token: string }
    const res = await server!.fetch('/__motia/traces', { headers: { 'x-motia-token': token } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { traces: unknown[] }).traces.length).toBeGreaterThan(0)
  })

  test('a second server on the same project refuses to start', async () => {
    const second = await runCli(['start', '--port', String(freePort())], project.root)
    expect(second.code).toBe(1)
    expect(second.stderr.trim()).toMatch(/^\[motia\] another motia server \(pid \d+, motia start at http:\/\/.*\) is using .*\.motia: stop it first/)
    expect(second.stderr).not.toContain('    at ')
  })
})

async function waitForCli(args: string[], cwd: string, check: (stdout: string) => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    const result = await runCli(args, cwd)
    last = result.stdout + result.stderr
    if (result.code === 0 && check(result.stdout)) return
    await Bun.sleep(100)
  }
  throw new Error(`motia ${args.join(' ')} never matched; last output:\n${last}`)
}
