/**
 * Issue 22, point 5, through the real CLI: an enqueue of a topic the step does not declare, a
 * subscription to a topic nobody enqueues, an enqueue that reaches no subscriber and an enqueue
 * from the command line to an unknown topic all name the nearest known topic, and the fix they
 * give never asks to add the typo.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const files = {
  // Declares "order-created" but enqueues "order-creatd".
  'steps/http/orders/index.post.step.ts': `export const config = { name: 'CreateOrder', enqueues: ['order-created'] }
export const handler = async (req, { enqueue }) => {
  await enqueue({ topic: 'order-creatd', data: {} })
  return { status: 201, body: {} }
}
`,
  'steps/queue/order-created/ship.step.ts': `export const config = { name: 'Ship' }\nexport const handler = async () => {}\n`,
  // Enqueues "invoice-sen" (declared, so only the publish can tell nobody gets it) while Archive subscribes to "invoice-sent".
  'steps/http/invoices/index.post.step.ts': `export const config = { name: 'SendInvoice', enqueues: ['invoice-sen'] }
export const handler = async (req, { enqueue }) => {
  await enqueue({ topic: 'invoice-sen', data: {} })
  return { status: 202, body: {} }
}
`,
  'steps/queue/invoice-sent/archive.step.ts': `export const config = { name: 'Archive' }\nexport const handler = async () => {}\n`,
  // Subscribes to "payment-receved" while Pay enqueues "payment-received".
  'steps/http/pay.post.step.ts': `export const config = { name: 'Pay', enqueues: ['payment-received'] }
export const handler = async (req, { enqueue }) => {
  await enqueue({ topic: 'payment-received', data: {} })
  return { status: 200, body: {} }
}
`,
  'steps/queue/payment-receved/book.step.ts': `export const config = { name: 'Book' }\nexport const handler = async () => {}\n`,
}

let project: TempProject
let cli: CliProcess

beforeAll(async () => {
  project = makeProject(files)
  cli = await startCli(['dev', '--port', String(freePort())], project.root, { MOTIA_LOG_FORMAT: 'pretty' })
}, 60_000)

afterAll(async () => {
  await cli?.stop()
  project?.cleanup()
})

test('an enqueue of an undeclared topic names the declared one it misspells', async () => {
  const from = cli.output().length
  expect((await cli.fetch('/orders', { method: 'POST' })).status).toBe(500)
  await cli.waitForOutput(/enqueues "order-creatd" but does not list it/, from, 15_000)
  const out = cli.output().slice(from)
  expect(out).toContain(`step "CreateOrder" (steps/http/orders/index.post.step.ts) enqueues "order-creatd" but does not list it in config.enqueues. Did you mean "order-created", which it lists? Enqueue { topic: 'order-created' }`)
  expect(out).not.toContain(`enqueues: ['order-creatd']`)
})

test('at load: an enqueued topic nobody subscribes to and a subscription nobody enqueues name each other', () => {
  const out = cli.output()
  expect(out).toContain(
    '[motia] step "Pay" (steps/http/pay.post.step.ts) enqueues "payment-received" but no step subscribes to it. Did you mean "payment-receved", which step "Book" (steps/queue/payment-receved/book.step.ts) subscribes to? Make the two names match',
  )
  expect(out).toContain(
    '[motia] step "Book" (steps/queue/payment-receved/book.step.ts) subscribes to "payment-receved", which no step enqueues. Did you mean "payment-received", which step "Pay" (steps/http/pay.post.step.ts) enqueues? Make the two names match',
  )
  expect(out).not.toContain('add a queue step for "payment-received"')
})

test('an enqueue that reaches no subscriber names the subscribed topic it misspells', async () => {
  const from = cli.output().length
  expect((await cli.fetch('/invoices', { method: 'POST' })).status).toBe(202)
  await cli.waitForOutput(/enqueue to "invoice-sen" reached no subscriber/, from, 15_000)
  const out = cli.output().slice(from)
  expect(out).toContain(`enqueue to "invoice-sen" reached no subscriber: did you mean "invoice-sent" (subscribed by step "Archive")? Enqueue { topic: 'invoice-sent' }`)
  expect(out).not.toContain('add a queue step for "invoice-sen"')
})

test('motia enqueue to an unknown topic names the nearest one', async () => {
  const result = await runCli(['enqueue', '-t', 'order-craeted', '--data', '{}'], project.root)
  expect(result.code).toBe(1)
  expect(result.stderr.trim()).toStartWith('[motia] no step subscribes to topic "order-craeted". Did you mean "order-created"? Known topics: ')
}, 60_000)
