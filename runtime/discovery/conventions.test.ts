import { describe, expect, test } from 'bun:test'
import { inferFromPath, pascalCase } from './conventions.ts'
import { mergeTriggers } from './merge.ts'

describe('inferFromPath', () => {
  test('http index file maps to the folder path', () => {
    expect(inferFromPath('http/users/index.post.step.ts')).toEqual({ trigger: { type: 'http', method: 'POST', path: '/users' }, name: 'PostUsers' })
  })

  test('http [param] file maps to a path parameter', () => {
    expect(inferFromPath('http/users/[id].get.step.ts').trigger).toEqual({ type: 'http', method: 'GET', path: '/users/:id' })
  })

  test('http nested params and catch-all', () => {
    expect(inferFromPath('http/orgs/[org]/files/[...rest].get.step.ts').trigger).toEqual({ type: 'http', method: 'GET', path: '/orgs/:org/files/*' })
  })

  test('http file without a method suffix infers only the path', () => {
    expect(inferFromPath('http/health.step.ts').trigger).toEqual({ type: 'http', path: '/health' })
  })

  test('queue topic from the folder', () => {
    expect(inferFromPath('queue/user-created/send-email.step.ts')).toEqual({ trigger: { type: 'queue', topic: 'user-created' }, name: 'SendEmail' })
  })

  test('queue topic from the file name', () => {
    expect(inferFromPath('queue/user-created.step.ts').trigger).toEqual({ type: 'queue', topic: 'user-created' })
  })

  test('cron, state and stream folders', () => {
    expect(inferFromPath('cron/nightly-report.step.ts')).toEqual({ trigger: { type: 'cron' }, name: 'NightlyReport' })
    expect(inferFromPath('state/audit.step.ts').trigger).toEqual({ type: 'state' })
    expect(inferFromPath('stream/chat/moderate.step.ts').trigger).toEqual({ type: 'stream', streamName: 'chat' })
  })

  test('files elsewhere infer no trigger, only a name', () => {
    expect(inferFromPath('billing/charge-card.step.ts')).toEqual({ name: 'ChargeCard' })
    expect(inferFromPath('python/send_mail_step.py')).toEqual({ name: 'SendMail' })
  })
})

test('pascalCase joins words', () => {
  expect(pascalCase('send-email')).toBe('SendEmail')
  expect(pascalCase('get-users-[id]')).toBe('GetUsersById')
})

describe('mergeTriggers', () => {
  test('explicit fields win and missing ones are filled in', () => {
    const merged = mergeTriggers([{ type: 'http', method: 'PUT', bodySchema: undefined }], { type: 'http', method: 'POST', path: '/users' })
    expect(merged).toEqual([{ type: 'http', method: 'PUT', path: '/users' }])
  })

  test('the inferred trigger is added beside explicit triggers of other types', () => {
    const merged = mergeTriggers([{ type: 'cron', expression: '* * * * *' }], { type: 'queue', topic: 'jobs' })
    expect(merged).toEqual([{ type: 'cron', expression: '* * * * *' }, { type: 'queue', topic: 'jobs' }])
  })

  test('no inference leaves explicit triggers alone', () => {
    expect(mergeTriggers([{ type: 'state' }], undefined)).toEqual([{ type: 'state' }])
  })
})
