/**
 * The embedded durable WorkflowStore on bun:sqlite, in the project's `.motia/motia.db` beside the
 * queue and the state. Every write is one immediate transaction, so `record`, `resolve` and
 * `transition` are atomic against other handlers in this process and against other processes
 * using the file (the CLI's `motia runs cancel`). A run's record is one JSON row; its checkpoints
 * are rows keyed by (run, id); pending waits are indexed by topic.
 */
import type { Database } from 'bun:sqlite'
import { openDatabase, settled } from '../sqlite/database.ts'
import { checkpointLimit, endedStatuses, patched, runEnded, runExists, type Checkpoint, type PendingWait, type RunStatus, type WorkflowRun, type WorkflowStore } from './types.ts'

export interface SqliteWorkflowStoreOptions {
  /** The database file; `.motia/motia.db` in a project. `:memory:` for a private, volatile one. */
  path: string
}

/**
 * @example
 * const store = createSqliteWorkflowStore({ path: '.motia/motia.db' })
 */
export function createSqliteWorkflowStore(options: SqliteWorkflowStoreOptions): WorkflowStore {
  const shared = openDatabase(options.path)
  const { db } = shared
  const sql = prepare(db)
  let closed = false
  const guarded = <T>(action: () => T): Promise<T> => settled(() => closed, 'workflow store', action)

  const read = (id: string): WorkflowRun | undefined => {
    const row = sql.getRun.get({ id }) as { data: string } | null
    return row ? (JSON.parse(row.data) as WorkflowRun) : undefined
  }
  const write = (run: WorkflowRun) => sql.putRun.run({ id: run.id, step: run.step, status: run.status, created: run.createdAt, data: JSON.stringify(run) })

  const record = db.transaction((runId: string, checkpoint: Checkpoint, limit: number): Checkpoint => {
    // The status and step columns answer what a record needs without reading the run's JSON.
    const run = sql.getStatus.get({ id: runId }) as { status: RunStatus; step: string } | null
    if (!run) throw runEnded(runId, 'unknown')
    if (endedStatuses.includes(run.status)) throw runEnded(runId, run.status)
    const stored = sql.getCheckpoint.get({ run: runId, id: checkpoint.id }) as { data: string } | null
    if (stored) return JSON.parse(stored.data) as Checkpoint
    if ((sql.countCheckpoints.get({ run: runId }) as { n: number }).n >= limit) throw checkpointLimit(runId, limit, checkpoint.id)
    const text = JSON.stringify(checkpoint)
    sql.putCheckpoint.run({ run: runId, id: checkpoint.id, seq: checkpoint.seq, data: text })
    if (checkpoint.kind === 'wait' && !checkpoint.done && checkpoint.topic !== undefined) {
      sql.putWait.run({ topic: checkpoint.topic, run: runId, checkpoint: checkpoint.id, step: run.step, match: checkpoint.match ? JSON.stringify(checkpoint.match) : null })
    }
    return JSON.parse(text) as Checkpoint
  })

  const resolve = db.transaction((runId: string, checkpointId: string, value: unknown): Checkpoint | undefined => {
    const row = sql.getCheckpoint.get({ run: runId, id: checkpointId }) as { data: string } | null
    if (!row) return undefined
    const checkpoint = JSON.parse(row.data) as Checkpoint
    if (checkpoint.done) return checkpoint
    const text = JSON.stringify({ ...checkpoint, done: true, value, doneAt: Date.now() } satisfies Checkpoint)
    sql.updateCheckpoint.run({ run: runId, id: checkpointId, data: text })
    sql.deleteWait.run({ run: runId, checkpoint: checkpointId })
    return JSON.parse(text) as Checkpoint
  })

  const transition = db.transaction((id: string, from: readonly string[], patch: Parameters<WorkflowStore['transition']>[2], executions?: number) => {
    const run = read(id)
    if (!run || !from.includes(run.status) || (executions !== undefined && run.executions !== executions)) return undefined
    const next = patched(run, patch, Date.now())
    write(next)
    if (endedStatuses.includes(next.status)) sql.deleteWaitsOf.run({ run: id })
    return next
  })

  return {
    create: (run) =>
      guarded(() => {
        if (sql.getRun.get({ id: run.id })) throw runExists(run.id)
        write(run)
      }),
    get: (id) => guarded(() => read(id)),
    checkpoints: (id) => guarded(() => (sql.listCheckpoints.all({ run: id }) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as Checkpoint)),
    record: (runId, checkpoint, limit) => guarded(() => record.immediate(runId, checkpoint, limit)),
    resolve: (runId, checkpointId, value) => guarded(() => resolve.immediate(runId, checkpointId, value)),
    transition: (id, from, patch, executions) => guarded(() => transition.immediate(id, from, patch, executions)),
    waits: (topic) =>
      guarded(() =>
        (sql.waits.all({ topic }) as Array<{ run_id: string; checkpoint: string; step: string; match: string | null }>).map(
          (row): PendingWait => ({ runId: row.run_id, step: row.step, checkpoint: row.checkpoint, ...(row.match ? { match: JSON.parse(row.match) as Record<string, unknown> } : {}) }),
        ),
      ),
    list: (filter) =>
      guarded(() => {
        const rows = sql.list.all({ status: filter.status ?? null, step: filter.step ?? null, before: filter.before ?? Number.MAX_SAFE_INTEGER, limit: filter.limit }) as Array<{ data: string }>
        return rows.map((row) => JSON.parse(row.data) as WorkflowRun)
      }),
    async close() {
      if (closed) return
      closed = true
      shared.release()
    },
  }
}

// --- internal ---

function prepare(db: Database) {
  db.run(`CREATE TABLE IF NOT EXISTS motia_workflow_runs (
    id TEXT PRIMARY KEY,
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
  )`)
  db.run('CREATE INDEX IF NOT EXISTS motia_workflow_runs_created ON motia_workflow_runs (created_at, id)')
  db.run(`CREATE TABLE IF NOT EXISTS motia_workflow_checkpoints (
    run_id TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_id, id)
  ) WITHOUT ROWID`)
  db.run(`CREATE TABLE IF NOT EXISTS motia_workflow_waits (
    topic TEXT NOT NULL,
    run_id TEXT NOT NULL,
    checkpoint TEXT NOT NULL,
    step TEXT NOT NULL,
    match TEXT,
    PRIMARY KEY (topic, run_id, checkpoint)
  ) WITHOUT ROWID`)
  db.run('CREATE INDEX IF NOT EXISTS motia_workflow_waits_run ON motia_workflow_waits (run_id, checkpoint)')
  return {
    getRun: db.prepare('SELECT data FROM motia_workflow_runs WHERE id = :id'),
    getStatus: db.prepare('SELECT status, step FROM motia_workflow_runs WHERE id = :id'),
    putRun: db.prepare(
      'INSERT INTO motia_workflow_runs (id, step, status, created_at, data) VALUES (:id, :step, :status, :created, :data) ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data',
    ),
    list: db.prepare(`SELECT data FROM motia_workflow_runs
      WHERE (:status IS NULL OR status = :status) AND (:step IS NULL OR step = :step) AND created_at < :before
      ORDER BY created_at DESC, id DESC LIMIT :limit`),
    getCheckpoint: db.prepare('SELECT data FROM motia_workflow_checkpoints WHERE run_id = :run AND id = :id'),
    countCheckpoints: db.prepare('SELECT COUNT(*) AS n FROM motia_workflow_checkpoints WHERE run_id = :run'),
    putCheckpoint: db.prepare('INSERT INTO motia_workflow_checkpoints (run_id, id, seq, data) VALUES (:run, :id, :seq, :data)'),
    updateCheckpoint: db.prepare('UPDATE motia_workflow_checkpoints SET data = :data WHERE run_id = :run AND id = :id'),
    listCheckpoints: db.prepare('SELECT data FROM motia_workflow_checkpoints WHERE run_id = :run ORDER BY seq'),
    putWait: db.prepare('INSERT OR REPLACE INTO motia_workflow_waits (topic, run_id, checkpoint, step, match) VALUES (:topic, :run, :checkpoint, :step, :match)'),
    deleteWait: db.prepare('DELETE FROM motia_workflow_waits WHERE run_id = :run AND checkpoint = :checkpoint'),
    deleteWaitsOf: db.prepare('DELETE FROM motia_workflow_waits WHERE run_id = :run'),
    waits: db.prepare('SELECT run_id, checkpoint, step, match FROM motia_workflow_waits WHERE topic = :topic'),
  }
}
