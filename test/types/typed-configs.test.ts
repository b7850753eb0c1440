/**
 * Issue 22, points 3 and 4, through `tsc` on projects written as users write them (one workspace,
 * one compiler run, `test/helpers/typecheck.ts`): misspelled or misplaced trigger fields are
 * errors that name the field; a plugin trigger's handler input is typed from its `input` schema;
 * `motia/react`'s hooks are typed from the project's streams once `motia generate types` ran;
 * and the correct forms of each pass.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { generateTypes } from '../../cli/generate/types.ts'
import { makeProject, type TempProject } from '../helpers/project.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

const header = "import type { Handlers, StepConfig } from 'motia'\nimport { z } from 'zod'\n"

/** File → its source; files under bad/ must each have errors, files under good/ none. */
const files: Record<string, string> = {
  'good/steps.ts': `${header}import 'motia/plugins/mqtt'
export const nightly = { triggers: [{ type: 'cron', expression: '0 3 * * *', timezone: 'UTC' }] } as const satisfies StepConfig
export const create = { triggers: [{ type: 'http', method: 'POST', path: '/x', bodySchema: z.object({ a: z.string() }) }] } as const satisfies StepConfig
export const work = { triggers: [{ type: 'queue', topic: 't', config: { maxRetries: 3, backoff: { type: 'fixed', delayMs: 10 } } }] } as const satisfies StepConfig
// Motia 1.0's queue settings are still accepted.
export const motia = { name: 'M', triggers: [{ type: 'queue', topic: 't', infrastructure: { queue: { maxRetries: 2, visibilityTimeout: 30 } } }] } as const satisfies StepConfig
export const reading = { triggers: [{ type: 'mqtt', topic: 'sensors/+', qos: 1, input: z.object({ temperature: z.number() }) }] } as const satisfies StepConfig
export const onReading: Handlers<typeof reading> = async (input, { logger }) => {
  const celsius: number = input.temperature
  logger.info('reading', { celsius })
}
`,
  'bad/expresion.ts': `${header}export const config = { triggers: [{ type: 'cron', expresion: '0 3 * * *' }] } as const satisfies StepConfig\n`,
  'bad/max-retries.ts': `${header}export const config = { maxRetries: 3, triggers: [{ type: 'queue', topic: 't' }] } as const satisfies StepConfig\n`,
  'bad/body-schem.ts': `${header}export const config = { triggers: [{ type: 'http', method: 'POST', path: '/x', bodySchem: z.object({}) }] } as const satisfies StepConfig\n`,
  'bad/queue-options.ts': `${header}export const config = { triggers: [{ type: 'queue', topic: 't', config: { maxRetrie: 3 } }] } as const satisfies StepConfig\n`,
  'bad/plugin-field.ts': `${header}import 'motia/plugins/mqtt'\nexport const config = { triggers: [{ type: 'mqtt', topc: 'sensors/+' }] } as const satisfies StepConfig\n`,
  'bad/plugin-input.ts': `${header}import 'motia/plugins/mqtt'
export const config = { triggers: [{ type: 'mqtt', topic: 'sensors/+', input: z.object({ temperature: z.number() }) }] } as const satisfies StepConfig
export const handler: Handlers<typeof config> = async (input) => {
  const celsius: number = input.temprature
  return celsius
}
`,
  'bad/unknown-type.ts': `${header}export const config = { triggers: [{ type: 'crn', expression: '* * * * *' }] } as const satisfies StepConfig\n`,
  // The React page: typed from the generated Streams (types.d.ts, written below).
  'good/notes.stream.ts': "import { z } from 'zod'\nimport type { StreamConfig } from 'motia'\nexport const config = { name: 'note', schema: z.object({ text: z.string(), pinned: z.boolean() }) } satisfies StreamConfig\n",
  'good/page.tsx': `import { MotiaStreamProvider, useStreamEventHandler, useStreamGroup, useStreamItem } from 'motia/react'
export function Notes() {
  const { data, event } = useStreamGroup({ streamName: 'note', groupId: 'board', sortKey: 'text' })
  const { data: one } = useStreamItem({ streamName: 'note', groupId: 'board', id: 'a' })
  useStreamEventHandler({ event, type: 'ping', listener: (_ping: { from: string }) => undefined }, [])
  const texts: string[] = data.map((note) => note.text + note.id)
  const pinned: boolean | undefined = one?.pinned
  return <MotiaStreamProvider address="ws://localhost:3111"><p>{texts.join()}{String(pinned)}</p></MotiaStreamProvider>
}
`,
  'bad/page-stream-name.tsx': `import { useStreamGroup } from 'motia/react'
export function Notes() {
  const { data } = useStreamGroup({ streamName: 'notes', groupId: 'board' })
  return <p>{data.length}</p>
}
`,
  'bad/page-item-field.tsx': `import { useStreamItem } from 'motia/react'
export function Note() {
  const { data } = useStreamItem({ streamName: 'note', groupId: 'board', id: 'a' })
  return <p>{data?.txt}</p>
}
`,
  'bad/page-sort-key.tsx': `import { useStreamGroup } from 'motia/react'
export function Notes() {
  const { data } = useStreamGroup({ streamName: 'note', groupId: 'board', sortKey: 'createdAt' })
  return <p>{data.length}</p>
}
`,
}

let project: TempProject
let diagnostics = ''

beforeAll(async () => {
  project = makeProject(files)
  project.write('types.d.ts', generateTypes([], project.root, [{ name: 'note', file: join(project.root, 'good/notes.stream.ts') }]))
  const tsconfig = JSON.parse(projectTsconfig({ include: ['good', 'bad', 'types.d.ts'] }))
  tsconfig.compilerOptions.jsx = 'react-jsx'
  tsconfig.compilerOptions.lib = ['ESNext', 'DOM']
  project.write('tsconfig.json', JSON.stringify(tsconfig))
  diagnostics = await typeCheck(project.root)
}, 600_000)

afterAll(() => project?.cleanup())

/** The diagnostics of one file, with their indented continuation lines (an overload's reasons). */
function errorsOf(file: string): string {
  let current = ''
  const lines: string[] = []
  for (const line of diagnostics.split('\n')) {
    if (!/^\s/.test(line)) current = line.slice(0, line.indexOf('('))
    if (current === file) lines.push(line)
  }
  return lines.join('\n')
}

describe('trigger configs', () => {
  test('the correct forms pass: built-in triggers, Motia\'s queue infrastructure, a plugin trigger with its typed input', () => {
    expect(errorsOf('good/steps.ts')).toBe('')
  })

  test('a cron trigger with `expresion` is an error naming it', () => {
    expect(errorsOf('bad/expresion.ts')).toContain("'expresion' does not exist in type 'CronTriggerConfig'")
  })

  test('a top-level `maxRetries` in config is an error naming it', () => {
    expect(errorsOf('bad/max-retries.ts')).toContain("'maxRetries' does not exist in type 'StepConfig'")
  })

  test('`bodySchem` in an http trigger is an error naming it', () => {
    expect(errorsOf('bad/body-schem.ts')).toContain("'bodySchem' does not exist in type 'HttpTriggerConfig'")
  })

  test('a misspelled queue option is an error naming it', () => {
    expect(errorsOf('bad/queue-options.ts')).toContain("'maxRetrie' does not exist in type 'QueueOptions'")
  })

  test("a misspelled field of a plugin's trigger is an error naming it", () => {
    expect(errorsOf('bad/plugin-field.ts')).toContain("'topc' does not exist in type 'MqttTrigger'")
  })

  test("a plugin trigger's handler reading a field its input schema does not have is an error", () => {
    expect(errorsOf('bad/plugin-input.ts')).toContain("Property 'temprature' does not exist on type '{ temperature: number; }'")
  })

  test('a trigger type that neither the core nor a plugin declares is an error', () => {
    expect(errorsOf('bad/unknown-type.ts')).toContain('"crn"')
  })
})

describe('motia/react hooks, typed from the generated streams', () => {
  test('items, one item, sort keys and events are typed from the stream schema', () => {
    expect(errorsOf('good/page.tsx')).toBe('')
  })

  test('an unknown stream name is an error', () => {
    expect(errorsOf('bad/page-stream-name.tsx')).toContain('"notes"')
  })

  test('a field the stream item does not have is an error', () => {
    expect(errorsOf('bad/page-item-field.tsx')).toContain("Property 'txt' does not exist")
  })

  test('a sort key the item does not have is an error', () => {
    expect(errorsOf('bad/page-sort-key.tsx')).toContain('"createdAt"')
  })
})
