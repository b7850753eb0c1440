/**
 * `motia logs` and `motia traces` through the real CLI against a real `motia dev` (the console's
 * API, found with its token in `.motia/server.lock`), and their one-line errors without a server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startCli, runCli, type CliProcess, type CliResult } from '../helpers/cli.ts'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'

const files = {
  'steps/create-order.step.ts': `export const config = { name: 'CreateOrder', triggers: [{ type: 'http', method: 'POST', path: '/orders' }], enqueues: ['order-created'] }
export const handler = async (req, ctx) => {
  ctx.logger.info('order for ' + req.body.item)
  await ctx.enqueue({ topic: 'order-created', data: req.body })
  return { status: 201, body: { traceId: ctx.traceId } }
}`,
  'steps/ship.step.ts': `export const config = { name: 'Ship', triggers: [{ type: 'queue', topic: 'order-created', config: { maxRetries: 0 } }] }
export const handler = async (data, ctx) => {
  if (data.item === 'broken') throw new Error('cannot ship broken')
  ctx.logger.warn('shipped ' + data.item)
}`,
}

let project: TempProject
let dev: CliProcess

beforeAll(async () => {
  project = makeProject(files)
  dev = await startCli(['dev', '--port', String(freePort())], project.root)
}, 60_000)

afterAll(async () => {
  await dev?.stop()
  project?.cleanup()
})

const motia = (...args: string[]) => runCli([...args, '--dir', project.root], repoRoot)
const jsonLines = (result: CliResult) => result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; traceId?: string; step?: string; level: string })

/** Posts an order and waits until its Ship run is over (ok or failed). */
async function order(item: string): Promise<string> {
  const res = await dev.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item }) })
  const { traceId } = (await res.json()) as { traceId: string }
  await dev.until(`/__motia/api/traces?q=${traceId}`, (body) => (body as { traces: Array<{ status: string; steps: string[] }> }).traces[0]?.steps.includes('Ship') === true && (body as { traces: Array<{ status: string }> }).traces[0]?.status !== 'running', 10_000)
  return traceId
}

describe('motia logs', () => {
  test('prints the recent lines; --trace, --step and --level filter them', async () => {
    const book = await order('book')
    const lamp = await order('lamp')

    const pretty = await motia('logs')
    expect(pretty.code).toBe(0)
    expect(pretty.stdout).toContain('order for book')
    expect(pretty.stdout).toContain('shipped lamp')

    const all = jsonLines(await motia('logs', '--json'))
    expect(all.map((l) => l.msg)).toEqual(expect.arrayContaining(['order for book', 'shipped book', 'order for lamp', 'shipped lamp']))

    const ofBook = jsonLines(await motia('logs', '--json', '--trace', book))
    expect(ofBook.map((l) => l.msg)).toEqual(['order for book', 'shipped book'])
    expect(ofBook.every((l) => l.traceId === book)).toBe(true)

    const shipped = jsonLines(await motia('logs', '--json', '--step', 'Ship'))
    expect(shipped.map((l) => l.msg)).toEqual(['shipped book', 'shipped lamp'])
    expect(jsonLines(await motia('logs', '--json', '--level', 'warn', '--trace', lamp)).map((l) => l.msg)).toEqual(['shipped lamp'])
  }, 60_000)

  test('--follow prints a line logged after it started, and only what its filters let through', async () => {
    await order('chair')
    const proc = Bun.spawn([process.execPath, `${repoRoot}/cli/index.ts`, 'logs', '--follow', '--json', '--step', 'Ship', '--dir', project.root], { stdout: 'pipe', stderr: 'pipe' })
    try {
      const out = readAll(proc.stdout)
      // The recent lines are printed once the stream is open, so what comes next is new.
      await out.until((text) => text.includes('shipped chair'))
      await order('table')
      await out.until((text) => text.includes('shipped table'))
      const lines = out.text().trim().split('\n').map((line) => JSON.parse(line) as { msg: string })
      expect(lines.filter((l) => l.msg === 'shipped table')).toHaveLength(1)
      expect(lines.some((l) => l.msg.startsWith('order for'))).toBe(false)
      expect(proc.exitCode).toBeNull()
    } finally {
      proc.kill()
      await proc.exited
    }
  }, 60_000)

  test('a bad --level is a one-line error', async () => {
    const result = await motia('logs', '--level', 'loud')
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('[motia] --level must be debug, info, warn or error; got "loud"')
  })
})

describe('motia traces', () => {
  test('lists traces newest first; --step and --failed filter them', async () => {
    const good = await order('pen')
    const bad = await order('broken')
    const table = await motia('traces')
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toMatch(/started\s+status\s+duration\s+name\s+steps\s+trace id/)
    expect(table.stdout.indexOf(bad)).toBeGreaterThan(0)
    expect(table.stdout.indexOf(bad)).toBeLessThan(table.stdout.indexOf(good))
    expect(table.stdout).toContain('CreateOrder → Ship')

    const failed = JSON.parse((await motia('traces', '--failed', '--json')).stdout) as Array<{ id: string; status: string }>
    expect(failed.map((t) => t.id)).toEqual([bad])
    expect(failed[0]!.status).toBe('error')

    const ofShip = JSON.parse((await motia('traces', '--step', 'Ship', '--json')).stdout) as Array<{ steps: string[] }>
    expect(ofShip.length).toBeGreaterThanOrEqual(2)
    expect(ofShip.every((t) => t.steps.includes('Ship'))).toBe(true)
    const none = await motia('traces', '--step', 'Nobody')
    expect(none.stdout.trim()).toBe('no trace matches')
  }, 60_000)
})

describe('without a running server', () => {
  test('motia logs, logs --follow and traces say so in one line and exit 1', async () => {
    const empty = makeProject({ 'steps/.keep': '' })
    try {
      for (const args of [['logs'], ['logs', '--follow'], ['traces', '--failed']]) {
        const result = await runCli([...args, '--dir', empty.root], repoRoot)
        expect(result.code).toBe(1)
        expect(result.stdout).toBe('')
        expect(result.stderr.trim().split('\n')).toEqual([`[motia] no motia server is running for ${empty.root} (no .motia/server.lock with a url): start one with motia dev`])
      }
    } finally {
      empty.cleanup()
    }
  }, 60_000)
})

// --- internal ---

/** Collects a child's output as it comes; `until` waits (with a deadline) for what is collected to match. */
function readAll(stream: ReadableStream<Uint8Array>) {
  let text = ''
  void (async () => {
    const decoder = new TextDecoder()
    const reader = stream.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true })
  })()
  return {
    text: () => text,
    async until(check: (text: string) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!check(text)) {
        if (Date.now() > deadline) throw new Error(`the output never matched; it is:\n${text}`)
        await Bun.sleep(25)
      }
    },
  }
}
