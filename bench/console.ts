/**
 * The console's cost on the HTTP path: `motia dev` with the console off, against `motia dev` with
 * the console on and a browser's worth of live clients (the live feed of logs and runs open, the
 * trace list fetched every 300 ms as the Traces page does). Same steps as bench/http.ts; wrk as
 * the load; rounds alternate and the median is reported.
 *
 *   bun bench/console.ts              # 5 s per run, 3 rounds
 *   NO_LIVE=1 bun bench/console.ts    # the console on but nobody watching
 * Target: with the console open and live, throughput drops less than 5%.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const repo = resolve(import.meta.dir, '..')
const duration = Number(process.env.DURATION ?? 5)
const rounds = Number(process.env.ROUNDS ?? 3)
const pin = (core: number) => (Bun.which('taskset') && navigator.hardwareConcurrency >= 2 ? ['taskset', '-c', String(core)] : [])
if (!Bun.which('wrk')) {
  console.error('bench/console.ts needs wrk as its load generator: apt-get install -y wrk')
  process.exit(1)
}

const steps: Record<string, string> = {
  'steps/http/hello.get.step.ts': `export const handler = async () => ({ status: 200, body: { message: 'hello' } })\n`,
  'steps/http/orders.post.step.ts': `import { z } from 'zod'
export const config = { triggers: [{ type: 'http', bodySchema: z.object({ item: z.string().min(1), quantity: z.number().int().positive() }) }], enqueues: ['order-placed'] }
export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'order-placed', data: req.body }); return { status: 202, body: { ok: true } } }\n`,
  'steps/queue/order-placed/consume.step.ts': `export const handler = async () => {}\n`,
}
const config = (enabled: boolean) =>
  `import { createMemoryQueue, createMemoryState } from 'motia'\nimport consolePlugin from 'motia/plugins/console'\nexport default { adapters: { queue: createMemoryQueue, state: createMemoryState }, plugins: [consolePlugin({ enabled: ${enabled} })] }\n`

const project = (enabled: boolean) => {
  const root = join(repo, '.tmp', `bench-console-${enabled ? 'on' : 'off'}-${process.pid}`)
  for (const [path, content] of Object.entries({ ...steps, 'motia.config.ts': config(enabled) })) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}
const roots = { off: project(false), on: project(true) }
const postScript = join(roots.off, 'post.lua')
writeFileSync(postScript, `wrk.method = "POST"\nwrk.body = '{"item":"book","quantity":2}'\nwrk.headers["Content-Type"] = "application/json"\n`)

async function measure(side: 'off' | 'on', path: string, script?: string): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const server = Bun.spawn([...pin(0), process.execPath, join(repo, 'cli/index.ts'), 'dev', '--port', String(port)], {
    cwd: roots[side],
    env: { ...process.env, MOTIA_LOG_LEVEL: 'warn', MOTIA_LOG_FORMAT: 'json' },
    stdout: 'ignore',
    stderr: 'inherit',
  })
  const base = `http://127.0.0.1:${port}`
  try {
    for (let i = 0; !(await fetch(`${base}/__motia/health`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error('server did not start')
      await Bun.sleep(50)
    }
    const live = new AbortController()
    if (side === 'on' && !process.env.NO_LIVE) {
      // What an open console does: the live stream, and the trace list refreshed while runs arrive.
      void fetch(`${base}/__motia/api/live?events=log,run`, { signal: live.signal }).then((r) => r.body?.pipeTo(new WritableStream()).catch(() => {}), () => {})
      void (async () => {
        while (!live.signal.aborted) {
          await fetch(`${base}/__motia/api/traces?limit=200`, { signal: live.signal }).then((r) => r.arrayBuffer(), () => {})
          await Bun.sleep(300)
        }
      })()
    }
    const wrk = Bun.spawn([...pin(1), 'wrk', '-t1', '-c64', `-d${duration}s`, ...(script ? ['-s', script] : []), base + path], { stdout: 'pipe' })
    const out = await new Response(wrk.stdout).text()
    live.abort()
    return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)
  } finally {
    server.kill()
    await server.exited
  }
}

try {
  for (const [name, path, script] of [['GET step', '/hello', undefined], ['POST step', '/orders', postScript]] as const) {
    const samples = { off: [] as number[], on: [] as number[] }
    for (let round = 0; round < rounds; round++) for (const side of ['off', 'on'] as const) samples[side].push(await measure(side, path, script))
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const [off, on] = [median(samples.off), median(samples.on)]
    console.log(`${name.padEnd(10)} console off ${off.toFixed(0)} req/s, on and live ${on.toFixed(0)} req/s: ${((on / off) * 100).toFixed(1)}% (target ≥ 95%)`)
  }
} finally {
  rmSync(roots.off, { recursive: true, force: true })
  rmSync(roots.on, { recursive: true, force: true })
}
