// `npm test`'s runner: the suite in a few `bun test` processes at once (scripts/test-plan.ts says
// how it is split), each batch's output printed whole when it ends, then the totals in bun's own
// words (` N pass` / ` N fail`), last, for .ci/run.
//
//   bun scripts/test.ts                        every test file, MOTIA_TEST_WORKERS processes at once (4)
//   bun scripts/test.ts test/e2e runtime/x     only files whose path contains one of these
//   bun scripts/test.ts --record               also write the files' times to test/timings.json
//   bun scripts/test.ts --root <dir>           the suite of another folder (the runner's own test)
//   bun scripts/test.ts --timeout 60000 ...    other flags go to every `bun test`
//
// Each process gets MOTIA_TEST_WORKER=<n> (1..workers): a worker runs one batch at a time, so
// what a test process may keep per worker (the tsc build cache, test/helpers/typecheck.ts) is
// never used by two processes at once.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { type Batch, type BatchReport, findTestFiles, planBatches, readBatchReport, readTimings, timingsFile } from './test-plan.ts'

const { flags, filters, record, root } = parseArguments(process.argv.slice(2))
const scratch = join(root, '.tmp', 'test-runner')
/** A batch is about this long; longer files run alone. */
const batchSeconds = 25
/** A batch still running after this long is stopped and counted as failed (a hang, not a slow test). */
const hangMinutes = 20

const workers = Math.max(1, Number(process.env.MOTIA_TEST_WORKERS ?? 4) || 4)
const files = findTestFiles(root, filters)
const batches = planBatches(files, readTimings(timingsFile(root)), batchSeconds)
const children = new Set<ReturnType<typeof Bun.spawn>>()

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal)
    process.exit(130)
  })
}

rmSync(scratch, { recursive: true, force: true })
mkdirSync(scratch, { recursive: true })
console.log(`[test] ${files.length} files in ${batches.length} batches, ${workers} at a time`)
const started = performance.now()
const reports: BatchReport[] = []
const queue = [...batches]
await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, (_, index) => work(index + 1)))
rmSync(scratch, { recursive: true, force: true })

const passed = reports.reduce((sum, report) => sum + report.passed, 0)
const failed = reports.reduce((sum, report) => sum + report.failed, 0)
if (record) writeTimings(reports)
const failures = reports.flatMap((report) => report.failures)
if (failures.length > 0) console.log(`\n[test] failed:\n${failures.join('\n')}`)
console.log(`\n ${passed} pass\n ${failed} fail\nRan ${passed + failed} tests across ${files.length} files in ${batches.length} processes. [${((performance.now() - started) / 1000).toFixed(1)}s]`)
process.exit(failed > 0 ? 1 : 0)

// --- internal ---

async function work(worker: number): Promise<void> {
  for (let batch = queue.shift(); batch; batch = queue.shift()) {
    reports.push(await runBatch(batch, worker))
  }
}

async function runBatch(batch: Batch, worker: number): Promise<BatchReport> {
  const junit = join(scratch, `batch-${crypto.randomUUID().slice(0, 8)}.xml`)
  const child = Bun.spawn([process.execPath, 'test', ...flags, '--reporter=junit', `--reporter-outfile=${junit}`, ...batch.files.map((file) => `./${file}`)], {
    cwd: root,
    env: { ...process.env, MOTIA_TEST_WORKER: String(worker) },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  children.add(child)
  const hang = setTimeout(() => child.kill('SIGKILL'), hangMinutes * 60_000)
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  clearTimeout(hang)
  children.delete(child)
  const output = `${stdout}${stderr}`
  process.stdout.write(`${output.endsWith('\n') ? output : `${output}\n`}`)
  return readBatchReport(batch, output, readOptional(junit), exitCode)
}

function writeTimings(all: BatchReport[]): void {
  const seconds: Record<string, number> = Object.assign({}, readTimings(timingsFile(root)), ...all.map((report) => report.seconds))
  // A whole run also forgets files that are gone; a filtered one keeps the others' times.
  const kept = Object.entries(seconds).filter(([file]) => filters.length > 0 || files.includes(file))
  const rounded = Object.fromEntries(kept.sort(([a], [b]) => a.localeCompare(b)).map(([file, s]) => [file, Math.round(s * 10) / 10]))
  mkdirSync(dirname(timingsFile(root)), { recursive: true })
  writeFileSync(timingsFile(root), `${JSON.stringify(rounded, null, 2)}\n`)
  console.log(`[test] recorded ${Object.keys(rounded).length} files' times in test/timings.json`)
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function parseArguments(args: string[]): { flags: string[]; filters: string[]; record: boolean; root: string } {
  const flags: string[] = []
  const filters: string[] = []
  let record = false
  let root = join(import.meta.dir, '..')
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--record') record = true
    else if (arg === '--root' && args[i + 1] !== undefined) root = resolve(args[++i]!)
    else if (arg.startsWith('-')) {
      flags.push(arg)
      // Flags bun reads with a separate value.
      if (['--timeout', '-t', '--test-name-pattern', '--rerun-each', '--preload'].includes(arg) && args[i + 1] !== undefined) flags.push(args[++i]!)
    } else filters.push(arg)
  }
  return { flags, filters, record, root }
}
