/**
 * The workflow engine as the runtime holds it, loaded at first use: a project with no
 * `workflow: true` step never imports the engine, its executions and matching, nor touches the
 * workflow store (whose default opens its tables lazily, adapters/workflows/lazy.ts). The engine
 * loads when a load finds a workflow step (its consumers start then, and queued runs are
 * recovered) or when a run is started; once loaded, every call goes to it, so a reload that
 * removes the last workflow step still stops its consumers.
 */
import type { WorkflowEngine, WorkflowEngineOptions } from './engine.ts'
import { isWorkflow } from './options.ts'

export function createLazyWorkflowEngine(options: WorkflowEngineOptions): WorkflowEngine {
  let loading: Promise<WorkflowEngine> | undefined
  const engine = () => (loading ??= import('./engine.ts').then(({ createWorkflowEngine }) => createWorkflowEngine(options)))
  return {
    store: options.store,
    start: (active) => engine().then((e) => e.start(active)),
    async swap(steps) {
      if (loading || steps.some(isWorkflow)) await (await engine()).swap(steps)
    },
    async stop() {
      if (loading) await (await loading).stop()
    },
  }
}
