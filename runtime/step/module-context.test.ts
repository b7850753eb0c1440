/**
 * Module-level `logger`, `enqueue` and `stateManager` used outside a running step: before any run,
 * after a run ended (with context carrying off, then on), they throw NO_STEP_CONTEXT; they never
 * act for a run that is over. In a child process, so that the carrying flag starts off whatever
 * other test files switched on in this one.
 */
import { expect, test } from 'bun:test'

const script = `
  import { invokerOf, logger, enqueue, stateManager, moduleContextEnabled } from ${JSON.stringify(`${import.meta.dir}/module-context.ts`)}
  const out = []
  const outside = (label) => {
    for (const [name, use] of [['logger', () => logger.info('x')], ['enqueue', () => enqueue({ topic: 't', data: 1 })], ['stateManager', () => stateManager.get('g', 'k')]]) {
      try {
        use()
        out.push(label + ' ' + name + ': no error')
      } catch (error) {
        out.push(label + ' ' + name + ': ' + error.code + ' ' + error.message)
      }
    }
  }
  const seen = []
  const ctx = { logger: { info: (msg) => seen.push(msg) }, enqueue: async () => seen.push('enqueue'), state: { get: async () => seen.push('get') } }
  outside('before')
  // A run that does not use them: carrying stays off.
  await invokerOf(async () => {})(undefined, ctx)
  out.push('enabled after a plain run: ' + moduleContextEnabled())
  outside('after a plain run')
  // A run that uses one: carrying switches on, and the run's own use reaches its context.
  await invokerOf(async () => { logger.info('inside') })(undefined, ctx)
  out.push('enabled after a using run: ' + moduleContextEnabled())
  outside('after a using run')
  out.push('the run context saw: ' + seen.join(','))
  console.log(JSON.stringify(out))
`

test('outside a running step they throw NO_STEP_CONTEXT, before any run and after runs, and never reach an old run', async () => {
  const proc = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const refused = (label: string) =>
    ['logger', 'enqueue', 'stateManager'].map((name) => `${label} ${name}: NO_STEP_CONTEXT [motia] ${name} from 'motia' was used outside a running step: use it inside a handler (or take it from the handler's context)`)
  expect(JSON.parse(stdout)).toEqual([
    ...refused('before'),
    'enabled after a plain run: false',
    ...refused('after a plain run'),
    'enabled after a using run: true',
    ...refused('after a using run'),
    'the run context saw: inside',
  ])
})
