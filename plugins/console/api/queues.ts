/**
 * `/__motia/api/queues`: per (topic, step) the copies waiting, in flight, delayed and
 * dead-lettered; the dead letters; replay and purge.
 */
import type { LoadedStep, QueueAdapter } from 'motia'
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

export async function listQueues(queue: QueueAdapter, steps: readonly LoadedStep[]): Promise<Response> {
  const letters = await queue.deadLetters()
  const pairs = new Map<string, { topic: string; step: string }>()
  for (const step of steps) {
    for (const t of step.triggers) {
      const topic = (t as { topic?: unknown }).topic
      if (t.type === 'queue' && typeof topic === 'string') pairs.set(`${topic}\u0000${step.name}`, { topic, step: step.name })
    }
  }
  // Dead letters of steps no longer loaded are still listed, so that they can be replayed or purged.
  for (const letter of letters) pairs.set(`${letter.topic}\u0000${letter.step}`, { topic: letter.topic, step: letter.step })
  const rows = await Promise.all(
    [...pairs.values()].map(async ({ topic, step }): Promise<QueueRow> => {
      const [depth, stats] = await Promise.all([queue.depth(topic, step), queue.stats?.(topic, step)])
      const deadLettered = letters.filter((l) => l.topic === topic && l.step === step).length
      return { topic, step, ...stats, depth, deadLettered }
    }),
  )
  rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.step.localeCompare(b.step))
  return json({ queues: rows })
}

export async function listDeadLetters(queue: QueueAdapter, query: URLSearchParams): Promise<Response> {
  const letters = await queue.deadLetters({ step: query.get('step') ?? undefined, topic: query.get('topic') ?? undefined })
  return json({ deadLetters: letters.sort((a, b) => b.failedAt - a.failedAt) })
}

/** Body `{ "ids": ["…"] }` or `{ "all": true }`. */
export async function replay(queue: QueueAdapter, request: Request): Promise<Response> {
  const body = await readJson(request)
  if (typeof body === 'string') return json({ error: `replay: ${body}: {"ids":["…"]} or {"all":true}` }, 400)
  const { ids, all } = (body.value ?? {}) as { ids?: unknown; all?: unknown }
  if (all === true) return json({ replayed: await queue.replay('all') })
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return json({ error: 'replay: send {"ids":["…"]} (dead letter ids) or {"all":true}' }, 400)
  return json({ replayed: await queue.replay(ids) })
}

/** Body `{}` for every dead letter, or `{ "step": "…" }`. */
export async function purge(queue: QueueAdapter, request: Request): Promise<Response> {
  const body = await readJson(request, { optional: true })
  if (typeof body === 'string') return json({ error: `purge: ${body}: {} for every dead letter, or {"step":"…"}` }, 400)
  const step = (body.value as { step?: unknown } | null | undefined)?.step
  if (step !== undefined && typeof step !== 'string') return json({ error: 'purge: "step" must be a step name, or left out for every dead letter' }, 400)
  return json({ purged: await queue.purge(step ? { step } : {}) })
}
