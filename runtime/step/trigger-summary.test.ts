import { expect, test } from 'bun:test'
import { triggerSummary } from './trigger-summary.ts'

test('core triggers read as the banner lists them', () => {
  expect(triggerSummary({ type: 'http', method: 'POST', path: '/orders' } as never)).toBe('POST /orders')
  expect(triggerSummary({ type: 'queue', topic: 'order-created' } as never)).toBe('queue order-created')
  expect(triggerSummary({ type: 'cron', expression: '0 * * * *' } as never)).toBe('cron 0 * * * *')
  expect(triggerSummary({ type: 'state', group: 'orders' } as never)).toBe('state orders')
  expect(triggerSummary({ type: 'state' })).toBe('state (every group)')
})

test('a stream trigger names its stream, and the group and item it follows', () => {
  expect(triggerSummary({ type: 'stream', streamName: 'todo' } as never)).toBe('stream todo')
  expect(triggerSummary({ type: 'stream', streamName: 'todo', groupId: 'inbox', itemId: 't1' } as never)).toBe('stream todo inbox/t1')
  expect(triggerSummary({ type: 'stream' })).toBe('stream (every stream)')
})

test("a plugin's trigger names its type and source, from the first field plugins keep it in", () => {
  expect(triggerSummary({ type: 'mqtt', topic: 'sensors/+', qos: 1 } as never)).toBe('mqtt sensors/+')
  expect(triggerSummary({ type: 'amqp', queue: 'orders', exchange: 'shop', routingKey: '#' } as never)).toBe('amqp orders')
  expect(triggerSummary({ type: 'webhook', source: 'github' } as never)).toBe('webhook github')
  expect(triggerSummary({ type: 'manual' })).toBe('manual')
})
