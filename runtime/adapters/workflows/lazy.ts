/**
 * A `WorkflowStore` opened on first use: the default for a project's durable runs. Most projects
 * have no workflow step, and a server should not load the store's module, create its three tables
 * and prepare its statements at start for nothing (docs/performance.md). Every operation waits for
 * the one opening; `close` before any use opens nothing, and a store closed while opening is
 * closed once open.
 */
import type { WorkflowStore } from './types.ts'
import { openOnFirstUse } from '../open-on-first-use.ts'

export function createLazyWorkflowStore(open: () => WorkflowStore | Promise<WorkflowStore>): WorkflowStore {
  const lazy = openOnFirstUse('workflow store', open)
  const store = lazy.use
  return {
    create: (run) => store().then((s) => s.create(run)),
    get: (id) => store().then((s) => s.get(id)),
    checkpoints: (id) => store().then((s) => s.checkpoints(id)),
    record: (runId, checkpoint, limit) => store().then((s) => s.record(runId, checkpoint, limit)),
    resolve: (runId, checkpointId, value) => store().then((s) => s.resolve(runId, checkpointId, value)),
    transition: (id, from, patch, executions) => store().then((s) => s.transition(id, from, patch, executions)),
    waits: (topic) => store().then((s) => s.waits(topic)),
    list: (filter) => store().then((s) => s.list(filter)),
    close: lazy.close,
  }
}
