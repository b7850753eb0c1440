/**
 * Connections to Redis, shared by the Redis adapters. ioredis is imported here, lazily, so a
 * project without Redis never loads it.
 *
 * Every connection fails fast instead of queueing: a command sent while Redis is away rejects at
 * once (`enableOfflineQueue: false`, one retry per request), so an HTTP call that needs Redis is
 * answered 503 within `commandTimeoutMs` rather than hanging. The client keeps reconnecting by
 * itself in the background (ioredis' retry strategy, capped at one attempt a second).
 */
import type { Redis, RedisOptions } from 'ioredis'
import { ConfigError, MotiaError, TimeoutError, errorMessage } from '../../errors.ts'
import { runWithTimeout } from '../../timeout.ts'

/**
 * How a Redis adapter connects. Every `createRedis*` factory takes these, so in motia.config.ts
 * the factory itself is an adapter factory: the runtime calls it with the project's
 * `AdapterContext`, whose `redisUrl` (`REDIS_URL`) and `prefix` fill in what is left out.
 *
 * @example
 * adapters: { queue: createRedisQueue }                                                  // REDIS_URL, the project's prefix
 * adapters: { queue: (context) => createRedisQueue({ ...context, url: 'redis://queue:6379' }) } // another Redis
 */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. Default: `redisUrl`. */
  url?: string
  /** `REDIS_URL`, as the runtime passes it in an `AdapterContext`; `url` wins over it. */
  redisUrl?: string
  /**
   * Namespace of every key this project writes, so several projects share one Redis safely.
   * The runtime passes `motia:<project name>:`; the default is `motia:`.
   */
  prefix?: string
  /** How long the first connection may take before start-up fails. Default 5000 ms. */
  connectTimeoutMs?: number
  /** How long one call may wait for Redis before it fails with a 503. Default 5000 ms. */
  commandTimeoutMs?: number
}

export type { Redis }

/** Opens a connection and waits until it is ready; throws a `REDIS_UNAVAILABLE` error if it cannot. */
export async function connectRedis(options: RedisConnectionOptions, name: string, extra: RedisOptions = {}): Promise<Redis> {
  const url = options.url ?? options.redisUrl
  if (!url) throw new ConfigError(`[motia] the Redis ${name} adapter needs a Redis: pass { url: 'redis://host:6379' } to its createRedis… factory, or set REDIS_URL`)
  const { Redis } = await import('ioredis')
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: `motia:${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    ...extra,
  })
  // Without a listener ioredis prints every failed reconnect; the adapters report outages themselves.
  client.on('error', () => {})
  // Each (re)connection has a new socket: batch its writes too.
  client.on('connect', () => coalesceWrites(client.stream))
  try {
    await withDeadline(client.connect(), options.connectTimeoutMs ?? 5000, 'connect')
  } catch (error) {
    client.disconnect()
    throw new MotiaError(`[motia] cannot reach Redis at ${redactUrl(url)}: ${errorMessage(error)}; start Redis or fix REDIS_URL`, {
      code: 'REDIS_UNAVAILABLE',
      status: 503,
      cause: error,
    })
  }
  return client
}

/** The error an operation raises when Redis does not answer: HTTP triggers turn it into a 503. */
export function redisUnavailable(what: string, error: unknown): MotiaError {
  if (error instanceof MotiaError && error.code === 'REDIS_UNAVAILABLE') return error
  return new MotiaError(`[motia] Redis is unavailable (${what}): ${errorMessage(error)}; retry when Redis is back`, {
    code: 'REDIS_UNAVAILABLE',
    status: 503,
    cause: error,
  })
}

/**
 * Runs `action` against Redis with a deadline; connection trouble becomes a `REDIS_UNAVAILABLE`
 * error. Errors that Redis itself answered (a script's refusal, a wrong type) pass through.
 * Every call is on a request's or a message's path, so the deadline is an entry in a list shared
 * by the calls with the same timeout (runtime/timeout.ts), not a timer and a race per call.
 */
export function guarded<T>(what: string, timeoutMs: number, action: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let value: T
    runWithTimeout(
      () => action().then((result) => void (value = result)),
      timeoutMs,
      (error) => {
        if (error === undefined) return resolve(value)
        if (error instanceof TimeoutError && error.timeoutMs === timeoutMs) return reject(redisUnavailable(what, new Error(`no answer within ${timeoutMs} ms`)))
        reject(isConnectionError(error) ? redisUnavailable(what, error) : error)
      },
    )
  })
}

/** True for errors that say Redis could not be reached, rather than that it refused a command. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof MotiaError) return error.code === 'REDIS_UNAVAILABLE'
  if (!(error instanceof Error)) return false
  if (error.name === 'ReplyError') return /LOADING|READONLY|MASTERDOWN|BUSY/.test(error.message)
  return true
}

/**
 * Sends what a connection writes within one turn of the event loop in one syscall instead of one
 * per command: the first write of a turn corks the socket and a `process.nextTick` (which runs
 * once the turn's promise callbacks are done) uncorks it. ioredis writes every command as soon as
 * it is called, and BullMQ's adds and completions come in bursts (a request's enqueues, the jobs a
 * reply completes), so a burst of N commands used to cost N socket writes here and up to N reads in Redis.
 * Unlike ioredis' `enableAutoPipelining` nothing waits for an earlier batch's replies and every
 * command is written exactly as before, in the same order; only the syscalls are merged.
 *
 * @example
 * client.on('connect', () => coalesceWrites(client.stream)) // every new socket of `client`
 */
export function coalesceWrites(socket: Redis['stream']): void {
  if (coalesced.has(socket)) return
  coalesced.add(socket)
  const write = socket.write
  let corked = false
  const uncork = () => {
    corked = false
    socket.uncork()
  }
  socket.write = function (this: typeof socket, ...args: Parameters<typeof write>) {
    if (!corked) {
      corked = true
      socket.cork()
      process.nextTick(uncork)
    }
    return write.apply(this, args)
  } as typeof write
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}

/** Resolves as `promise` does, or rejects after `ms` milliseconds. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (${what})`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

// --- internal ---

/** Sockets whose writes are already coalesced (ioredis may report one connection twice). */
const coalesced = new WeakSet<object>()
