/**
 * The WorkflowStore on Redis, shared by every instance of a project. Keys (all in one hash slot,
 * `{workflows}`, so the scripts below may touch several): a run is a hash (`data` = its JSON,
 * `status`), its checkpoints a hash (field = checkpoint id), pending waits a hash per topic (field =
 * the JSON pair [run, checkpoint]), and a sorted set orders the runs by creation. Ids and topics
 * enter keys as JSON string literals (key-part.ts), so no id reaches into another's key.
 *
 * `record` and `create` are one script each. `resolve` and `transition` compute the next JSON in
 * JavaScript (the same `patched` as the other stores) and write it with a compare-and-set script
 * that succeeds only if the stored JSON is still the one read; on a conflict they read again.
 */
import { checkpointLimit, endedStatuses, matchesRunFilter, patched, runEnded, runExists, type Checkpoint, type PendingWait, type WorkflowRun, type WorkflowStore } from '../workflows/types.ts'
import { connectRedis, guarded, type RedisConnectionOptions } from './connection.ts'
import { keyPart } from './key-part.ts'

export type RedisWorkflowStoreOptions = RedisConnectionOptions

/**
 * @example
 * const store = await createRedisWorkflowStore({ url: 'redis://127.0.0.1:6379', prefix: 'motia:shop:' })
 */
export async function createRedisWorkflowStore(options: RedisWorkflowStoreOptions): Promise<WorkflowStore> {
  const redis = await connectRedis(options, 'workflows')
  const base = `${options.prefix ?? 'motia:'}{workflows}:`
  const runKey = (id: string) => `${base}run:${keyPart(id)}`
  const pointsKey = (id: string) => `${base}cp:${keyPart(id)}`
  const waitsKey = (topic: string) => `${base}waits:${keyPart(topic)}`
  const indexKey = `${base}runs`
  const timeoutMs = options.commandTimeoutMs ?? 5000
  let closed = false
  const call = <T>(what: string, action: () => Promise<T>): Promise<T> =>
    closed ? Promise.reject(new Error('[motia] the Redis workflow store is closed')) : guarded(`workflow ${what}`, timeoutMs, action)

  const readRun = async (id: string): Promise<{ text: string; run: WorkflowRun } | undefined> => {
    const text = await redis.hget(runKey(id), 'data')
    return text === null ? undefined : { text, run: JSON.parse(text) as WorkflowRun }
  }

  return {
    create: (run) =>
      call('create', async () => {
        const created = await redis.eval(CREATE, 2, runKey(run.id), indexKey, JSON.stringify(run), run.status, String(run.createdAt), run.id)
        if (created !== 1) throw runExists(run.id)
      }),
    get: (id) => call('get', async () => (await readRun(id))?.run),
    checkpoints: (id) =>
      call('checkpoints', async () =>
        Object.values(await redis.hgetall(pointsKey(id)))
          .map((text) => JSON.parse(text) as Checkpoint)
          .sort((a, b) => a.seq - b.seq),
      ),
    record: (runId, checkpoint, limit) =>
      call('record', async () => {
        const waiting = checkpoint.kind === 'wait' && !checkpoint.done && checkpoint.topic !== undefined
        const run = waiting ? (await readRun(runId))?.run : undefined
        const wait: PendingWait | undefined = waiting && run ? { runId, step: run.step, checkpoint: checkpoint.id, ...(checkpoint.match ? { match: checkpoint.match } : {}) } : undefined
        const [outcome, value] = (await redis.eval(
          RECORD,
          3,
          runKey(runId),
          pointsKey(runId),
          waiting ? waitsKey(checkpoint.topic!) : pointsKey(runId),
          checkpoint.id,
          JSON.stringify(checkpoint),
          String(limit),
          JSON.stringify([runId, checkpoint.id]),
          wait ? JSON.stringify(wait) : '',
        )) as [string, string]
        if (outcome === 'ended') throw runEnded(runId, value)
        if (outcome === 'limit') throw checkpointLimit(runId, limit, checkpoint.id)
        return JSON.parse(value) as Checkpoint
      }),
    resolve: (runId, checkpointId, value) =>
      call('resolve', async () => {
        for (;;) {
          const text = await redis.hget(pointsKey(runId), checkpointId)
          if (text === null) return undefined
          const checkpoint = JSON.parse(text) as Checkpoint
          if (checkpoint.done) return checkpoint
          const next = JSON.stringify({ ...checkpoint, done: true, value, doneAt: Date.now() } satisfies Checkpoint)
          const waits = checkpoint.kind === 'wait' && checkpoint.topic !== undefined ? waitsKey(checkpoint.topic) : pointsKey(runId)
          const swapped = await redis.eval(RESOLVE, 2, pointsKey(runId), waits, checkpointId, text, next, checkpoint.kind === 'wait' ? JSON.stringify([runId, checkpointId]) : '')
          if (swapped === 1) return JSON.parse(next) as Checkpoint
        }
      }),
    transition: (id, from, patch, executions) =>
      call('transition', async () => {
        for (;;) {
          const read = await readRun(id)
          if (!read || !from.includes(read.run.status) || (executions !== undefined && read.run.executions !== executions)) return undefined
          const next = patched(read.run, patch, Date.now())
          const ending = endedStatuses.includes(next.status)
          const waits = ending ? await pendingWaits(id) : []
          const swapped = await redis.eval(TRANSITION, 1 + waits.length, runKey(id), ...waits.map((w) => waitsKey(w.topic)), read.text, JSON.stringify(next), next.status, ...waits.map((w) => JSON.stringify([id, w.id])))
          if (swapped === 1) return next
        }
      }),
    waits: (topic) => call('waits', async () => Object.values(await redis.hgetall(waitsKey(topic))).map((text) => JSON.parse(text) as PendingWait)),
    list: (filter) =>
      call('list', async () => {
        const found: WorkflowRun[] = []
        let max = filter.before === undefined ? '+inf' : `(${filter.before}`
        let skip = 0
        // Pages through the index newest first, filtering by status and step, until the page is full.
        for (;;) {
          const ids = await redis.zrevrangebyscore(indexKey, max, '-inf', 'WITHSCORES', 'LIMIT', skip, 200)
          if (ids.length === 0) return found
          const texts = await redis.pipeline(Array.from({ length: ids.length / 2 }, (_, i) => ['hget', runKey(ids[i * 2]!), 'data'])).exec()
          for (const [, text] of texts ?? []) {
            if (typeof text !== 'string') continue
            const run = JSON.parse(text) as WorkflowRun
            if (matchesRunFilter(run, { ...filter, before: undefined })) found.push(run)
            if (found.length >= filter.limit) return found
          }
          if (ids.length < 400) return found
          // The next page starts at the last score read, skipping the runs of that score already read.
          const last = ids[ids.length - 1]!
          skip = (max === last ? skip : 0) + countAtScore(ids, last)
          max = last
        }
      }),
    async close() {
      if (closed) return
      closed = true
      await redis.quit().catch(() => redis.disconnect())
    },
  }

  async function pendingWaits(id: string): Promise<Array<{ id: string; topic: string }>> {
    return Object.values(await redis.hgetall(pointsKey(id)))
      .map((text) => JSON.parse(text) as Checkpoint)
      .filter((c) => c.kind === 'wait' && !c.done && c.topic !== undefined)
      .map((c) => ({ id: c.id, topic: c.topic! }))
  }
}

// --- internal ---

/** How many entries of a WITHSCORES page share its last score: the next page skips them. */
function countAtScore(page: string[], score: string): number {
  let n = 0
  for (let i = 1; i < page.length; i += 2) if (page[i] === score) n++
  return n
}

const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'status', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1`

const RECORD = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'ended', 'unknown'} end
if status == 'completed' or status == 'failed' or status == 'cancelled' then return {'ended', status} end
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return {'ok', existing} end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return {'limit', ''} end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], ARGV[4], ARGV[5]) end
return {'ok', ARGV[2]}`

const RESOLVE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then redis.call('HDEL', KEYS[2], ARGV[4]) end
return 1`

const TRANSITION = `
if redis.call('HGET', KEYS[1], 'data') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'status', ARGV[3])
for i = 2, #KEYS do redis.call('HDEL', KEYS[i], ARGV[i + 2]) end
return 1`
