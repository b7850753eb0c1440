/**
 * The QueueAdapter on BullMQ: one BullMQ queue per (topic, subscribing step), so fan-out is one
 * job per subscriber and instances of a step compete for its jobs.
 *
 * How the contract maps onto BullMQ:
 * - retries and backoff: a failed attempt throws to BullMQ, which retries it after the delay our
 *   `backoffStrategy` computes from the step's `backoff`; the attempt limit is the step's, checked
 *   in the processor (publishers do not know it), so jobs are added with an unbounded `attempts`.
 * - dead letters: the processor writes the copy to the project's `<p>dlq` hash, only while it
 *   still holds the job's BullMQ lock (a superseded attempt's verdict is ignored), then completes
 *   the job. `motia dlq list|replay|purge` read that hash.
 * - visibility: `visibilityTimeoutMs` is the job lock; BullMQ renews it while the handler runs and
 *   hands the job to another worker when its instance dies (after the lock and a stalled check).
 * - concurrency: the worker's `concurrency`, per instance.
 * - delayMs: BullMQ's `delay`.
 * - fifo per `messageGroupId`: see queue-groups.ts.
 * - depth: BullMQ's waiting, active, delayed and prioritized jobs, plus copies waiting in groups.
 * - idempotent publish (`id`): BullMQ's deduplication id, whose key (`…:de:<id>`) lives for the
 *   dedup window from the first add. A job id alone would not do: BullMQ forgets it once the job
 *   completes and is removed, which is exactly when a client that lost the first answer retries.
 *   Group copies set the same key in the script that pushes them.
 * - replay: see queue-dead-letters.ts.
 *
 * Publishing to several subscribers writes one job per subscriber queue; if Redis fails midway
 * the publish rejects (the caller answers 503) and the copies already written stay.
 */
import type { Job, JobsOptions, Queue, Worker } from 'bullmq'
import { backoffDelay, checkPublishOptions, defaultDedupWindowMs, type ConsumeOptions, type DeadLetter, type MessageHandler, type QueueAdapter } from '../queue/types.ts'
import { connectRedis, guarded, redisUnavailable, type Redis, type RedisConnectionOptions } from './connection.ts'
import { attempt, deadLetterOf, isFinal, messageOf, tell } from './queue-attempt.ts'
import { createDeadIndex, indexArgs, indexLua } from './queue-dead-index.ts'
import { createDeadLetters } from './queue-dead-letters.ts'
import { pushGroupCopy, runGroup } from './queue-groups.ts'
import { dedupIdOf, groupQueueName, queueKeys, queueName, type Envelope } from './queue-keys.ts'

export interface RedisQueueOptions extends RedisConnectionOptions {
  /** Told when a worker loses Redis or meets another error outside a handler (the runtime logs it). */
  onError?: (error: Error) => void
  /** How long a publish `id` is remembered per (topic, step). Default a day (`defaultDedupWindowMs`). */
  dedupWindowMs?: number
}

/** Attempts BullMQ may make: unbounded, since each step's own maxRetries decides. */
const UNBOUNDED = 2 ** 31 - 1

// One closure of ~160 lines, on purpose: publish, consume and the dead-letter tools share the
// BullMQ queues, the connection and the id sequence; the dead-letter index and its pages already
// live apart (redis/dead-letters.ts).
/**
 * @example
 * const queue = await createRedisQueue({ url: 'redis://127.0.0.1:6379', prefix: 'motia:shop:' })
 */
export async function createRedisQueue(options: RedisQueueOptions): Promise<QueueAdapter> {
  const { Queue, Worker } = await import('bullmq')
  // Not ioredis' enableAutoPipelining, although it cuts CPU here and in Redis by a tenth: it keeps
  // one pipeline in flight per connection (a slow reply holds every command behind it), and a
  // pipeline made before BullMQ defines its scripts on the connection lacks them (getCounts fails).
  const redis = await connectRedis(options, 'queue')
  const prefix = options.prefix ?? 'motia:'
  const keys = queueKeys(prefix)
  const timeoutMs = options.commandTimeoutMs ?? 5000
  const queues = new Map<string, Queue>()
  const registered = new Set<string>()
  const consumers = new Set<() => Promise<void>>()
  const dedupWindowMs = options.dedupWindowMs ?? defaultDedupWindowMs
  const idPrefix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  let sequence = 0
  let closed = false

  const queueOf = (name: string) => {
    let queue = queues.get(name)
    if (!queue) {
      queue = new Queue(name, { connection: redis as never, prefix: keys.bullPrefix, skipVersionCheck: true })
      queue.on('error', (error) => options.onError?.(error))
      queues.set(name, queue)
    }
    return queue
  }

  const call = <T>(what: string, action: () => Promise<T>) => {
    if (closed) return Promise.reject(new Error('[motia] the Redis queue is closed'))
    return guarded(`queue ${what}`, timeoutMs, action)
  }

  /** Remembers (topic, step) so that the CLI finds the queue's depth and dead letters. */
  const register = async (name: string, topic: string, step: string) => {
    if (registered.has(name)) return
    await redis.hset(keys.queues, name, JSON.stringify({ topic, step }))
    registered.add(name)
  }

  /** Stores one copy; with `dedupId`, only if no copy of the queue had it within the dedup window. */
  const put = async (envelope: Envelope, delayMs: number, dedupId?: string) => {
    const name = queueName(envelope.topic, envelope.step)
    await register(name, envelope.topic, envelope.step)
    const group = envelope.messageGroupId
    if (group === undefined) {
      const jobOptions: JobsOptions = { jobId: envelope.id, delay: delayMs > 0 ? delayMs : undefined, attempts: UNBOUNDED, backoff: { type: 'motia' }, removeOnComplete: true, removeOnFail: true }
      if (dedupId !== undefined) jobOptions.deduplication = { id: dedupId, ttl: dedupWindowMs }
      await queueOf(name).add('copy', envelope, jobOptions)
      return
    }
    if (delayMs > 0) envelope.notBefore = Date.now() + delayMs
    if (!(await pushGroupCopy(redis, keys, name, envelope, dedupId === undefined ? undefined : { id: dedupId, ttlMs: dedupWindowMs }))) return
    await queueOf(groupQueueName(name)).add('token', { group }, { attempts: UNBOUNDED, backoff: { type: 'motia' }, removeOnComplete: true, removeOnFail: true })
  }

  const newId = () => `m${idPrefix}-${++sequence}`

  const deadIndex = createDeadIndex(redis, keys)
  const deadLetters = createDeadLetters(redis, keys, call, (letter: DeadLetter) => {
    const envelope: Envelope = { id: newId(), topic: letter.topic, step: letter.step, data: letter.data, traceId: letter.traceId, enqueuedAt: Date.now() }
    if (letter.messageGroupId !== undefined) envelope.messageGroupId = letter.messageGroupId
    return put(envelope, 0, dedupIdOf.replay(letter.id))
  })

  const consume = async (consumeOptions: ConsumeOptions, handler: MessageHandler) => {
    const name = queueName(consumeOptions.topic, consumeOptions.step)
    await register(name, consumeOptions.topic, consumeOptions.step)
    // Workers block on their own connections; these may wait for Redis, they are not on a request's path.
    const connection = await connectRedis(options, `worker:${consumeOptions.step}`, { enableOfflineQueue: true, maxRetriesPerRequest: null })
    const lockDuration = Math.max(1000, consumeOptions.visibilityTimeoutMs)
    const common = {
      connection: connection as never,
      prefix: keys.bullPrefix,
      skipVersionCheck: true,
      lockDuration,
      stalledInterval: Math.min(lockDuration, 30_000),
      // A copy whose worker dies this many times is given up on by BullMQ, like a crash loop.
      maxStalledCount: consumeOptions.maxRetries + 1,
      drainDelay: 0.2,
    }
    let stopping = false
    const plain = new Worker(name, (job: Job<Envelope>, token?: string) => processCopy(job, token), {
      ...common,
      concurrency: consumeOptions.concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(consumeOptions.backoff, attemptsMade) },
    })
    const groups = new Worker(
      groupQueueName(name),
      (job: Job<{ group: string }>) => runGroup({ redis, keys, name, options: consumeOptions, handler, stopped: () => stopping }, job.data.group, job.attemptsStarted > 1),
      {
        ...common,
        concurrency: consumeOptions.concurrency,
        settings: { backoffStrategy: () => lockDuration / 2 },
      },
    )
    for (const worker of [plain, groups]) worker.on('error', (error) => options.onError?.(error))

    const processCopy = async (job: Job<Envelope>, token?: string) => {
      const envelope = job.data
      const number = job.attemptsMade + 1
      const error = await attempt(handler, messageOf(envelope, number), consumeOptions)
      if (error === undefined) return
      if (!isFinal(error, number, consumeOptions)) throw error
      const letter = deadLetterOf(envelope, number, error)
      const index = indexArgs(keys, letter)
      const stored = await redis.eval(DEAD_LETTER, 5, keys.jobLock(name, job.id!), keys.deadLetters, ...index.keys, token ?? '', envelope.id, JSON.stringify(letter), ...index.values)
      // Not stored: the lock moved to another attempt, whose verdict counts. BullMQ will refuse to complete this one.
      if (stored === 1) tell(consumeOptions.onDeadLetter, letter)
    }

    const stop = async () => {
      if (!consumers.delete(stop)) return
      stopping = true
      await Promise.all([plain.close(), groups.close()])
      connection.disconnect()
    }
    consumers.add(stop)
    return stop
  }

  return {
    publish: (topic, subscribers, data, publishOptions) =>
      call('publish', async () => {
        checkPublishOptions(topic, publishOptions)
        const enqueuedAt = Date.now()
        const json = JSON.stringify(data) ?? 'null'
        const dedupId = publishOptions.id === undefined ? undefined : dedupIdOf.publish(publishOptions.id)
        await Promise.all(
          subscribers.map((step) => {
            const envelope: Envelope = { id: newId(), topic, step, data: JSON.parse(json), traceId: publishOptions.traceId, enqueuedAt }
            if (publishOptions.messageGroupId !== undefined) envelope.messageGroupId = publishOptions.messageGroupId
            return put(envelope, publishOptions.delayMs ?? 0, dedupId)
          }),
        )
      }),

    consume: (consumeOptions, handler) => call('consume', () => consume(consumeOptions, handler)),

    depth: (topic, step) =>
      call('depth', async () => {
        const name = queueName(topic, step)
        const [counts, grouped] = await Promise.all([queueOf(name).getJobCountByTypes('wait', 'active', 'delayed', 'prioritized'), redis.get(keys.groupDepth(name))])
        return counts + Number(grouped ?? 0)
      }),

    deadLetters: (filter = {}) => deadLetters.list(filter),
    replay: (ids) => deadLetters.replay(ids),
    purge: (filter = {}) => deadLetters.purge(filter),
    deadLetterPage: (options) => call('deadLetterPage', () => deadIndex.page(options)),
    deadLetterCounts: () => call('deadLetterCounts', () => deadIndex.counts()),

    async close() {
      if (closed) return
      closed = true
      await Promise.all([...consumers].map((stop) => stop().catch((error: unknown) => options.onError?.(redisUnavailable('stop', error)))))
      await Promise.all([...queues.values()].map((queue) => queue.close().catch(() => undefined)))
      redis.disconnect()
    },
  }
}

// --- internal ---

/**
 * KEYS: the job's BullMQ lock, the dead-letter hash, then the index's (see queue-dead-index.ts).
 * ARGV: token, id, letter, then its index entry and failedAt. 1 if stored.
 */
const DEAD_LETTER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
${indexLua({ meta: 'KEYS[3]', time: 'KEYS[4]', queueTime: 'KEYS[5]' }, { id: 'ARGV[2]', meta: 'ARGV[4]', failedAt: 'ARGV[5]' })}
return 1`

export type { Redis }
