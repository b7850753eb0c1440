/**
 * What the benchmarks share (the queue ones, `queue.ts` and `queue-redis.ts`, most of it): the HTTP → queue → queue chain's
 * step files, writing the project, sending N messages at full load, and waiting with a deadline.
 * Each bench keeps its own `lib/latency` module (one computes percentiles in the server, the other
 * returns the samples so that several instances can be merged).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * A port nothing listens on now, picked by the kernel: a random number in the ephemeral range can
 * be the local port of some connection still in TIME_WAIT, which a busy machine has thousands of.
 */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = probe.port!
  probe.stop(true)
  return port
}

/**
 * Where a checkout exports its adapter factories: `motia/adapters`, or `motia` in checkouts from
 * before it had that entry (benchmarks with `BEFORE` run one of those beside this one).
 */
export function adaptersEntry(checkout: string): string {
  const manifest = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { exports?: Record<string, string> }
  return manifest.exports?.['./adapters'] ? 'motia/adapters' : 'motia'
}

/** User + system CPU time of process `pid`, in ms (Linux; NaN elsewhere). */
export function cpuMs(pid: number): number {
  const path = `/proc/${pid}/stat`
  if (!existsSync(path)) return Number.NaN
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * The chain's steps: POST /chain enqueues `batch` messages to hop-one, which forwards each to
 * hop-two, whose step records its latency in `latencyModule` (a path from the project root, e.g.
 * `lib/latency.ts`); GET /stats and POST /reset read and clear the records.
 */
export function chainSteps(latencyModule: string, concurrency: number): Record<string, string> {
  return {
    'steps/http/chain.post.step.ts': `
    export const config = { enqueues: ['hop-one'] }
    export const handler = async (req, { enqueue }) => {
      const sends = []
      for (let i = 0; i < req.body.batch; i++) sends.push(enqueue({ topic: 'hop-one', data: { sentAt: req.body.sentAt } }))
      await Promise.all(sends)
      return { status: 202 }
    }`,
    'steps/queue/hop-one/forward.step.ts': `
    export const config = { enqueues: ['hop-two'], triggers: [{ type: 'queue', topic: 'hop-one', config: { concurrency: ${concurrency} } }] }
    export const handler = async (data, { enqueue }) => { await enqueue({ topic: 'hop-two', data }) }`,
    'steps/queue/hop-two/arrive.step.ts': `
    import { record } from '../../../${latencyModule}'
    export const config = { triggers: [{ type: 'queue', topic: 'hop-two', config: { concurrency: ${concurrency} } }] }
    export const handler = async (data) => { record(data.sentAt) }`,
    'steps/http/stats.get.step.ts': `
    import { stats } from '../../${latencyModule}'
    export const handler = async () => ({ status: 200, body: stats() })`,
    'steps/http/reset.post.step.ts': `
    import { reset } from '../../${latencyModule}'
    export const handler = async () => { reset(); return { status: 204 } }`,
  }
}

/** Writes `files` (path → content) under `root`. */
export function writeProject(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
}

/** POSTs one request to `base`/chain that enqueues `messages` messages stamped with the send time. */
export function postChain(base: string, messages = 1): Promise<Response> {
  return fetch(`${base}/chain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sentAt: performance.timeOrigin + performance.now(), batch: messages }),
  })
}

/** Sends `total` messages, `batch` per request, with `inFlight` requests in flight; every request must be accepted. */
export async function sendAll(options: { total: number; batch: number; inFlight: number; name: string; post: (messages: number) => Promise<Response> }): Promise<void> {
  const { total, batch, inFlight, name, post } = options
  let sent = 0
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (sent < total) {
        const messages = Math.min(batch, total - sent)
        sent += messages
        const res = await post(messages)
        if (res.status !== 202) throw new Error(`${name}: POST /chain answered ${res.status}`)
      }
    }),
  )
}

/** Resolves once `check` is true, checking every `pollMs`; throws after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, pollMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: condition not met within ${timeoutMs} ms`)
    await Bun.sleep(pollMs)
  }
}
