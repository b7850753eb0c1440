import { resolve } from 'node:path'
import { MotiaError } from '../../runtime/errors.ts'
import { newTraceId } from '../../runtime/observability/ids.ts'
import { readProjectLock } from '../../runtime/project-lock.ts'
import { checkMessage, indexTopics } from '../../runtime/topics.ts'
import { fail, parseJsonArgument, printJson } from '../output.ts'
import { loadProjectSteps } from '../project-steps.ts'
import { openProjectQueue } from '../project-store.ts'

interface EnqueueOptions {
  topic: string
  data: string
  group?: string
  delay?: number
  id?: string
  dir: string
  json?: boolean
}

/**
 * `motia enqueue`: through the running server when there is one (so the message joins its traces
 * and wakes its consumers at once), otherwise straight into the project's store.
 */
export async function enqueue(opts: EnqueueOptions): Promise<void> {
  const root = resolve(opts.dir)
  const data = parseJsonArgument('--data', opts.data)
  const message = { topic: opts.topic, data, messageGroupId: opts.group, delayMs: opts.delay, id: opts.id }
  const server = readProjectLock(root)
  const result = server?.url ? await viaServer(server.url, server.token, message) : await direct(root, message)
  if (opts.json) return printJson(result)
  process.stdout.write(`enqueued "${opts.topic}" for ${result.subscribers.join(', ')} (${result.via}, trace ${result.traceId})\n`)
}

// --- internal ---

interface Result {
  via: 'server' | 'store'
  traceId: string
  subscribers: string[]
}

async function viaServer(url: string, token: string, message: object): Promise<Result> {
  const target = new URL('/__motia/enqueue', url.replace('0.0.0.0', '127.0.0.1'))
  let res: Response
  try {
    res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'x-motia-token': token }, body: JSON.stringify(message) })
  } catch (error) {
    fail(`the server at ${url} did not answer (${(error as Error).message}); is it still running?`)
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string; traceId?: string; subscribers?: string[] }
  if (!res.ok) fail(body.error ?? `the server answered ${res.status}`)
  return { via: 'server', traceId: body.traceId ?? '', subscribers: body.subscribers ?? [] }
}

async function direct(root: string, message: { topic: string; data: unknown; messageGroupId?: string; delayMs?: number; id?: string }): Promise<Result> {
  const loaded = await loadProjectSteps(root)
  const config = loaded.config
  const subscribers = indexTopics(loaded.steps).get(message.topic) ?? []
  if (subscribers.length === 0) {
    const known = [...indexTopics(loaded.steps).keys()]
    throw new MotiaError(`[motia] no step subscribes to topic "${message.topic}"; known topics: ${known.join(', ') || 'none'}`)
  }
  await checkMessage(message.topic, subscribers, message.data)
  const queue = await openProjectQueue(root, config)
  const traceId = newTraceId()
  const names = subscribers.map((s) => s.step.name)
  try {
    await queue.publish(message.topic, names, message.data, { traceId, messageGroupId: message.messageGroupId, delayMs: message.delayMs, id: message.id })
  } finally {
    await queue.close()
  }
  return { via: 'store', traceId, subscribers: names }
}
