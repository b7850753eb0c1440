/**
 * End to end: traces are bounded in bytes. A real `motia start` whose step logs 1 MB per request
 * (once a message grew the process by ~1 MB a request, never freed) keeps its RSS bounded, and
 * `/__motia/traces` still answers, with the long message cut and the oldest events dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import type { Span, Trace, TraceSummary } from '../../runtime/adapters/traces/types.ts'

const REQUESTS = 400

describe('trace memory', () => {
  let project: TempProject
  let server: ReturnType<typeof Bun.spawn>
  let base: string
  let token: string

  beforeAll(async () => {
    project = makeProject({
      'steps/http/big.get.step.ts': `
        export const handler = async (req, { logger }) => {
          const n = req.query.n
          // A unique 1 MB message and a 1 MB field, as a step that logs its input does.
          logger.info('input ' + n + ' ' + 'x'.repeat(1_000_000))
          logger.info('as a field', { input: n + 'y'.repeat(1_000_000) })
          // Many medium lines: held whole they would add up to ~160 MB of estimated trace bytes.
          for (let i = 0; i < 50; i++) logger.info(n + ':' + i + ' ' + 'z'.repeat(4000))
          return { status: 200, body: { ok: true } }
        }
      `,
    })
    const port = freePort()
    base = `http://127.0.0.1:${port}`
    // Logs go to /dev/null: the test keeps none of the ~400 MB of log lines the run writes.
    server = Bun.spawn([process.execPath, `${repoRoot}/cli/index.ts`, 'start', '--port', String(port)], {
      cwd: project.root,
      env: { ...process.env, MOTIA_LOG_FORMAT: 'json' },
      stdout: 'ignore',
      stderr: 'pipe',
    })
    const deadline = Date.now() + 20_000
    while (!(await fetch(`${base}/__motia/health`).then((res) => res.ok, () => false))) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`motia start did not start: ${await new Response(server.stderr as ReadableStream).text()}`)
      await Bun.sleep(50)
    }
    token = (JSON.parse(await Bun.file(`${project.root}/.motia/server.lock`).text()) as { token: string }).token
  }, 60_000)

  afterAll(async () => {
    server?.kill('SIGKILL')
    await server?.exited
    project?.cleanup()
  })

  const rssMiB = async () => Number(/VmRSS:\s+(\d+) kB/.exec(await Bun.file(`/proc/${server.pid}/status`).text())![1]) / 1024
  /** The lowest RSS seen until it is under `bound` or 10 s have passed. */
  const settledRss = async (bound: number) => {
    let lowest = Number.POSITIVE_INFINITY
    for (const deadline = Date.now() + 10_000; lowest >= bound && Date.now() < deadline; await Bun.sleep(250)) lowest = Math.min(lowest, await rssMiB())
    return lowest
  }
  const traces = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}/__motia/traces${path}`, { headers: { 'x-motia-token': token } })
    expect(res.status).toBe(200)
    return (await res.json()) as T
  }

  test(`${REQUESTS} requests that each log 1 MB leave the RSS bounded and the traces readable`, async () => {
    const call = async (n: number) => {
      const res = await fetch(`${base}/big?n=${n}`)
      expect(res.status).toBe(200)
      await res.arrayBuffer()
    }
    const before = await rssMiB()
    // Four at a time: quick, and still one process doing all the work.
    for (let n = 0; n < REQUESTS; n += 4) await Promise.all([0, 1, 2, 3].map((i) => call(n + i)))
    // Garbage (two 1 MB strings a request) goes at the collector's pace: what counts is what stays.
    // Unbounded, the traces held ~400 MB for good; bounded, they hold at most the 32 MiB budget.
    expect((await settledRss(before + 150)) - before).toBeLessThan(150)

    const { traces: listed } = await traces<{ traces: TraceSummary[] }>('?limit=1000')
    expect(listed).toHaveLength(REQUESTS)
    const newest = await traces<Trace>(`/${listed[0]!.id}`)
    const span: Span = newest.spans[0]!
    const messages = span.events.map((event) => (event as { msg: string }).msg)
    expect(messages).toHaveLength(52)
    expect(messages[0]).toMatch(/^input \d+ x+… \[truncated \d+ chars\]$/)
    expect(messages[0]!.length).toBeLessThan(4200)
    expect(messages[1]).toBe('as a field')
    // The oldest traces are still listed; their events made room for the newest.
    const oldest = await traces<Trace>(`/${listed[listed.length - 1]!.id}`)
    expect(oldest.spans[0]).toMatchObject({ step: 'GetBig', status: 'ok', events: [], eventsDropped: 52 })
  }, 120_000)
})
