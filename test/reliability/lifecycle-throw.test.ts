/**
 * Handlers that throw something other than an Error (issue #9 point 19): `throw null`,
 * `undefined`, strings, plain, circular and bigint values. Each gives a readable log line, span
 * error and dead letter; none breaks the JSON log, the embedded queue or the server.
 */
import { afterEach, expect, test } from 'bun:test'
import { createRuntime, type Runtime } from '../../runtime/runtime.ts'
import { jsonSink } from '../../runtime/observability/logger.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { makeProject, type TempProject } from '../helpers/project.ts'

const hint = 'was thrown (throw an Error to give a message and a stack)'
const cases: Array<{ thrown: string; message: string }> = [
  { thrown: 'null', message: `null ${hint}` },
  { thrown: 'undefined', message: `undefined ${hint}` },
  { thrown: "'out of stock'", message: 'out of stock' },
  { thrown: '{ code: 42 }', message: `{"code":42} ${hint}` },
  { thrown: '{ message: "shaped like an error" }', message: 'shaped like an error' },
  { thrown: '10n', message: `10n ${hint}` },
  { thrown: '(() => { const o = {}; o.self = o; return o })()', message: `an object that is not JSON ${hint}` },
]

let project: TempProject | undefined
let runtime: Runtime | undefined

afterEach(async () => {
  await runtime?.stop()
  project?.cleanup()
  runtime = project = undefined
})

test('non-Error throws are logged, traced and dead-lettered with a readable message', async () => {
  const files: Record<string, string> = {}
  cases.forEach(({ thrown }, i) => {
    files[`steps/queue/q${i}.step.ts`] = `export const config = { triggers: [{ type: 'queue', topic: 'q${i}', config: { maxRetries: 0 } }] }
export const handler = async () => { throw ${thrown} }`
    files[`steps/http/h${i}.get.step.ts`] = `export const handler = async () => { throw ${thrown} }`
  })
  project = makeProject(files)
  const lines: string[] = []
  // The embedded queue and the JSON log, as `motia start` uses them.
  runtime = await createRuntime({ root: project.root, mode: 'test', env: {}, logSink: jsonSink((line) => lines.push(line)) })
  await runtime.load()
  for (let i = 0; i < cases.length; i++) {
    const res = await runtime.server.handle(new Request(`http://localhost/h${i}`))
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'Internal Server Error', traceId: res.headers.get('x-trace-id')! })
    await runtime.enqueue({ topic: `q${i}`, data: { i } })
  }
  await waitFor(async () => (await runtime!.queue.deadLetters()).length === cases.length, 10_000)
  const letters = await runtime.queue.deadLetters()
  cases.forEach(({ message }, i) => {
    expect(letters.find((l) => l.topic === `q${i}`)!.error).toBe(message)
    const entries = lines.map((line) => JSON.parse(line) as { level: string; msg: string })
    expect(entries.some((e) => e.level === 'error' && e.msg === `[motia] step "Q${i}" failed on "q${i}" (attempt 1): ${message}; no attempts left (maxRetries 0): the message goes to the dead-letter queue`)).toBe(true)
    const trace = runtime!.traces.list().find((t) => t.name === `enqueue q${i}`)!
    expect(runtime!.traces.get(trace.id)!.spans[0]!.error).toBe(message)
  })
  // Every line the sink wrote is JSON (a bigint or circular value must not break it).
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
})
