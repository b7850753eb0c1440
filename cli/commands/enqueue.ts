/**
 * `motia enqueue`: through the running server when there is one (so the message joins its traces
 * and wakes its consumers at once), otherwise straight into the project's store, checked and
 * published by the same functions a server uses.
 */
import { resolve } from 'node:path'
import type { EnqueueMessage } from '../../runtime/types/context.ts'
import { defineCommand, parseCount } from '../command.ts'
import { UsageError } from '../errors.ts'
import { parseJsonArgument, printJson } from '../output.ts'

interface EnqueueOptions {
  topic: string
  data: string
  group?: string
  delay?: number
  id?: string
  dir: string
  json?: boolean
}

export default defineCommand({
  name: 'enqueue',
  description: 'enqueue a message: through the running server, or straight into the project store',
  options: [
    { flags: '-t, --topic <topic>', description: 'topic to enqueue on', required: true },
    { flags: '--data <json>', description: 'message data as JSON', required: true },
    { flags: '-g, --group <id>', description: 'messageGroupId (fifo queues)' },
    { flags: '--delay <ms>', description: 'deliver after this many milliseconds', parse: parseCount('--delay', 'milliseconds') },
    { flags: '--id <id>', description: 'idempotency key: running the command again with the same id within a day enqueues nothing more' },
    { flags: '--json', description: 'print the result as JSON' },
  ],
  dir: true,
  examples: [
    `motia enqueue --topic order-placed --data '{"id":"o1","item":"book","quantity":1}'`,
    `motia enqueue -t reminders --data '{"user":7}' --delay 60000`,
    `motia enqueue -t order-placed --data '{"id":"o1"}' --id order-o1   # safe to run again`,
  ],
  async run(opts: EnqueueOptions) {
    const root = resolve(opts.dir)
    const data = parseJsonArgument('--data', opts.data)
    const message = { topic: opts.topic, data, messageGroupId: opts.group, delayMs: opts.delay, id: opts.id }
    const { readProjectLock } = await import('../../runtime/project-lock.ts')
    const server = readProjectLock(root)
    const result = server?.url ? await viaServer(server.url, server.token, message) : await direct(root, message)
    if (opts.json) return printJson(result)
    process.stdout.write(`enqueued "${opts.topic}" for ${result.subscribers.join(', ')} (${result.via}, trace ${result.traceId})\n`)
  },
})

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
    throw new UsageError(`the server at ${url} did not answer (${(error as Error).message}); is it still running?`, { cause: error })
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string; traceId?: string; subscribers?: string[] }
  if (!res.ok) throw new UsageError(body.error ?? `the server answered ${res.status}`)
  return { via: 'server', traceId: body.traceId ?? '', subscribers: body.subscribers ?? [] }
}

/** No server: the project's steps are loaded for their topics and schemas, and the message goes into its store. */
async function direct(root: string, message: EnqueueMessage): Promise<Result> {
  const [{ loadProjectFiles, openProjectAdapters }, topicsModule, { newTraceId }, { createLogger }] = await Promise.all([
    import('../../runtime/project.ts'),
    import('../../runtime/topics.ts'),
    import('../../runtime/observability/ids.ts'),
    import('../../runtime/observability/logger.ts'),
  ])
  const { indexTopics, publishTo, unknownTopic } = topicsModule
  const checkEnqueueMessage: (message: unknown) => asserts message is EnqueueMessage = topicsModule.checkEnqueueMessage
  checkEnqueueMessage(message)
  const loaded = await loadProjectFiles({ root })
  const topics = indexTopics(loaded.steps)
  if (!topics.has(message.topic)) throw unknownTopic(topics, message.topic)
  const adapters = await openProjectAdapters(loaded.project, { create: true })
  const traceId = newTraceId()
  try {
    // The topic has subscribers, so nothing is logged: the logger only satisfies the signature.
    const subscribers = await publishTo(topics, adapters.queue, message, traceId, createLogger(() => {}))
    return { via: 'store', traceId, subscribers }
  } finally {
    await adapters.close()
  }
}
