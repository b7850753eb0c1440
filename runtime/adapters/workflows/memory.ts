/**
 * The in-memory WorkflowStore: for tests and `createTestRuntime`. Runs and checkpoints are kept as
 * JSON text, so what comes back is a copy, as from the durable stores. Nothing survives the process.
 */
import { checkpointLimit, endedStatuses, matchesRunFilter, patched, runEnded, runExists, type Checkpoint, type PendingWait, type WorkflowRun, type WorkflowStore } from './types.ts'

/**
 * @example
 * const store = createMemoryWorkflowStore()
 */
export function createMemoryWorkflowStore(): WorkflowStore {
  const runs = new Map<string, string>()
  const checkpoints = new Map<string, Map<string, string>>()
  /** topic → (run, checkpoint) → the wait. */
  const waiting = new Map<string, Map<string, PendingWait>>()
  let closed = false

  const check = () => {
    if (closed) throw new Error('[motia] the memory workflow store is closed')
  }
  const read = (id: string): WorkflowRun | undefined => {
    const text = runs.get(id)
    return text === undefined ? undefined : (JSON.parse(text) as WorkflowRun)
  }
  const unwait = (runId: string, checkpoint: Checkpoint) => {
    if (checkpoint.kind !== 'wait' || checkpoint.topic === undefined) return
    const forTopic = waiting.get(checkpoint.topic)
    forTopic?.delete(waitKey(runId, checkpoint.id))
    if (forTopic?.size === 0) waiting.delete(checkpoint.topic)
  }

  return {
    async create(run) {
      check()
      if (runs.has(run.id)) throw runExists(run.id)
      runs.set(run.id, JSON.stringify(run))
      checkpoints.set(run.id, new Map())
    },
    async get(id) {
      check()
      return read(id)
    },
    async checkpoints(id) {
      check()
      return [...(checkpoints.get(id)?.values() ?? [])].map((text) => JSON.parse(text) as Checkpoint).sort((a, b) => a.seq - b.seq)
    },
    async record(runId, checkpoint, limit) {
      check()
      const run = read(runId)
      if (!run) throw runEnded(runId, 'unknown')
      if (endedStatuses.includes(run.status)) throw runEnded(runId, run.status)
      const own = checkpoints.get(runId)!
      const stored = own.get(checkpoint.id)
      if (stored !== undefined) return JSON.parse(stored) as Checkpoint
      if (own.size >= limit) throw checkpointLimit(runId, limit, checkpoint.id)
      const text = JSON.stringify(checkpoint)
      own.set(checkpoint.id, text)
      if (checkpoint.kind === 'wait' && !checkpoint.done && checkpoint.topic !== undefined) {
        const forTopic = waiting.get(checkpoint.topic) ?? new Map<string, PendingWait>()
        forTopic.set(waitKey(runId, checkpoint.id), { runId, step: run.step, checkpoint: checkpoint.id, ...(checkpoint.match ? { match: checkpoint.match } : {}) })
        waiting.set(checkpoint.topic, forTopic)
      }
      return JSON.parse(text) as Checkpoint
    },
    async resolve(runId, checkpointId, value) {
      check()
      const text = checkpoints.get(runId)?.get(checkpointId)
      if (text === undefined) return undefined
      const checkpoint = JSON.parse(text) as Checkpoint
      if (checkpoint.done) return checkpoint
      const done: Checkpoint = { ...checkpoint, done: true, value, doneAt: Date.now() }
      const stored = JSON.stringify(done)
      checkpoints.get(runId)!.set(checkpointId, stored)
      unwait(runId, checkpoint)
      return JSON.parse(stored) as Checkpoint
    },
    async transition(id, from, patch, executions) {
      check()
      const run = read(id)
      if (!run || !from.includes(run.status) || (executions !== undefined && run.executions !== executions)) return undefined
      const next = patched(run, patch, Date.now())
      runs.set(id, JSON.stringify(next))
      if (endedStatuses.includes(next.status)) for (const text of checkpoints.get(id)?.values() ?? []) unwait(id, JSON.parse(text) as Checkpoint)
      return JSON.parse(JSON.stringify(next)) as WorkflowRun
    },
    async waits(topic) {
      check()
      return [...(waiting.get(topic)?.values() ?? [])].map((wait) => structuredClone(wait))
    },
    async list(filter) {
      check()
      const all = [...runs.values()].map((text) => JSON.parse(text) as WorkflowRun).filter((run) => matchesRunFilter(run, filter))
      return all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).slice(0, filter.limit)
    },
    async close() {
      closed = true
    },
  }
}

// --- internal ---

/** One key per (run, checkpoint), whatever characters the ids hold. */
function waitKey(runId: string, checkpoint: string): string {
  return JSON.stringify([runId, checkpoint])
}
