/**
 * `/__motia/api/queues`: per (topic, step) the copies waiting, in flight, delayed and
 * dead-lettered; the dead letters a page at a time, their data clipped; replay and purge.
 *
 * Nothing here reads every dead letter: counts and pages come from the adapter's index
 * (`deadLetterCounts`, `deadLetterPage`), and replaying or purging all of them goes page by page,
 * letting other requests run between pages, so a queue of thousands of letters of hundreds of KB
 * each never stalls the server.
 */
import { countDeadLetters, readDeadLetterPage, type LoadedStep, type QueueAdapter } from 'motia'
import { json, readJson } from './respond.ts'

export interface QueueRow {
  topic: string
  step: string
  /** Absent when the adapter cannot tell (it has no `stats`): then `depth` counts them together. */
  waiting?: number
  inFlight?: number
  delayed?: number
  depth: number
  deadLettered: number
}

/** What a page shows of a letter's data, and how many letters a page holds by default and at most. */
export const PREVIEW_CHARS = 2048
const PAGE = 50
const MAX_PAGE = 200
/** Letters replayed (read whole and put back) per step of a `{ "all": true }` replay; purged per step of a purge. */
const REPLAY_BATCH = 10
const PURGE_BATCH = 200
/** Ids one replay request may name. */
const MAX_IDS = 500

export async function listQueues(queue: QueueAdapter, steps: readonly LoadedStep[]): Promise<Response> {
  const counts = await countDeadLetters(queue)
  const pairs = new Map<string, { topic: string; step: string; deadLettered: number }>()
  for (const step of steps) {
    for (const t of step.triggers) {
      const topic = (t as { topic?: unknown }).topic
      if (t.type === 'queue' && typeof topic === 'string') pairs.set(`${topic}\u0000${step.name}`, { topic, step: step.name, deadLettered: 0 })
    }
  }
  // Dead letters of steps no longer loaded are still listed, so that they can be replayed or purged.
  for (const { topic, step, count } of counts) pairs.set(`${topic}\u0000${step}`, { topic, step, deadLettered: count })
  const rows = await Promise.all(
    [...pairs.values()].map(async ({ topic, step, deadLettered }): Promise<QueueRow> => {
      const [depth, stats] = await Promise.all([queue.depth(topic, step), queue.stats?.(topic, step)])
      return { topic, step, ...stats, depth, deadLettered }
    }),
  )
  rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.step.localeCompare(b.step))
  return json({ queues: rows })
}

/** `?step=&topic=&limit=&cursor=`: `{ deadLetters, total, next? }`, newest first, data clipped. */
export async function listDeadLetters(queue: QueueAdapter, query: URLSearchParams): Promise<Response> {
  const limit = Number(query.get('limit') ?? PAGE)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return json({ error: `limit must be a whole number from 1 to ${MAX_PAGE}, got "${query.get('limit')}"` }, 400)
  const page = await readDeadLetterPage(queue, { step: query.get('step') ?? undefined, topic: query.get('topic') ?? undefined, limit, cursor: query.get('cursor') ?? undefined, maxDataChars: PREVIEW_CHARS })
  return json({ deadLetters: page.letters, total: page.total, ...(page.next && { next: page.next }) })
}

/** Body `{ "ids": ["…"] }` (at most 500), or `{ "all": true }` with an optional `step` or `topic`. */
export async function replay(queue: QueueAdapter, request: Request): Promise<Response> {
  const body = await readJson(request)
  if (typeof body === 'string') return json({ error: `replay: ${body}: {"ids":["…"]} or {"all":true}` }, 400)
  const { ids, all, step, topic } = (body.value ?? {}) as { ids?: unknown; all?: unknown; step?: unknown; topic?: unknown }
  if (all === true) {
    const filter = checkFilter(step, topic)
    if (typeof filter === 'string') return json({ error: `replay: ${filter}` }, 400)
    return json({ replayed: await inPages(queue, filter, REPLAY_BATCH, (batch) => queue.replay(batch)) })
  }
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return json({ error: 'replay: send {"ids":["…"]} (dead letter ids) or {"all":true}' }, 400)
  if (ids.length > MAX_IDS) return json({ error: `replay: at most ${MAX_IDS} ids at a time (got ${ids.length}); send {"all":true} to replay every dead letter` }, 400)
  return json({ replayed: await queue.replay(ids as string[]) })
}

/** Body `{}` for every dead letter, or `{ "step": "…" }`. */
export async function purge(queue: QueueAdapter, request: Request): Promise<Response> {
  const body = await readJson(request, { optional: true })
  if (typeof body === 'string') return json({ error: `purge: ${body}: {} for every dead letter, or {"step":"…"}` }, 400)
  const step = (body.value as { step?: unknown } | null | undefined)?.step
  if (step !== undefined && typeof step !== 'string') return json({ error: 'purge: "step" must be a step name, or left out for every dead letter' }, 400)
  // An adapter that cannot page deletes in one go, as it always did.
  if (!queue.deadLetterPage) return json({ purged: await queue.purge(step ? { step } : {}) })
  return json({ purged: await inPages(queue, step ? { step } : {}, PURGE_BATCH, (batch) => queue.purge({ ids: batch })) })
}

// --- internal ---

function checkFilter(step: unknown, topic: unknown): { step?: string; topic?: string } | string {
  if (step !== undefined && typeof step !== 'string') return '"step" must be a step name'
  if (topic !== undefined && typeof topic !== 'string') return '"topic" must be a topic name'
  return { ...(step !== undefined && { step }), ...(topic !== undefined && { topic }) }
}

/**
 * Calls `act` on the ids of each page of the letters `filter` matches, oldest pages last, and
 * yields to other requests between pages. Letters that fail again meanwhile are newer than the
 * cursor, so the walk ends: it acts on the letters there were when it began.
 */
async function inPages(queue: QueueAdapter, filter: { step?: string; topic?: string }, size: number, act: (ids: string[]) => Promise<number>): Promise<number> {
  let done = 0
  let cursor: string | undefined
  do {
    const page = await readDeadLetterPage(queue, { ...filter, limit: size, cursor, maxDataChars: 16 })
    if (page.letters.length) done += await act(page.letters.map((letter) => letter.id))
    cursor = page.next
    await new Promise((resolve) => setImmediate(resolve))
  } while (cursor)
  return done
}
