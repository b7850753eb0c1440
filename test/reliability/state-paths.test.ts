/**
 * End to end: state paths built from request input never reach a prototype and never allocate more
 * than the request suggests. A real `motia start` over a real port, with the steps a careless user
 * writes (`'votes.' + req.query.option`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

describe('state paths from request input', () => {
  let project: TempProject
  let server: CliProcess

  beforeAll(async () => {
    project = makeProject({
      'steps/http/vote.post.step.ts': `
        export const handler = async (req, { state }) => {
          const poll = await state.update('polls', 'p1', [{ type: 'increment', path: 'votes.' + req.query.option }])
          return { status: 200, body: poll }
        }
      `,
      'steps/http/write.post.step.ts': `
        export const handler = async (req, { state }) => {
          const value = await state.update('docs', req.body.key ?? 'd1', [{ type: req.body.op ?? 'set', path: req.body.path, value: req.body.value }])
          return { status: 200, body: value ?? null }
        }
      `,
      'steps/http/prototype.get.step.ts': `
        const builtin = new Set(${JSON.stringify(Object.getOwnPropertyNames(Object.prototype))})
        export const handler = async () => ({
          status: 200,
          body: {
            objectKeys: Object.getOwnPropertyNames(Object.prototype).filter((name) => !builtin.has(name)),
            arrayKeys: Object.keys(Array.prototype),
            polluted: ({}).polluted ?? null,
          },
        })
      `,
    })
    server = await startCli(['start', '--port', String(freePort())], project.root)
  }, 60_000)

  afterAll(async () => {
    await server?.stop()
    project?.cleanup()
  })

  const vote = (option: string) => server.fetch(`/vote?option=${encodeURIComponent(option)}`, { method: 'POST' })
  const write = (body: unknown) =>
    server.fetch('/write', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const expectClean = async () => {
    expect(await server.json('/prototype')).toEqual({ objectKeys: [], arrayKeys: [], polluted: null })
  }

  test('a huge index on a missing container is a 400 that names the path, and nothing is stored', async () => {
    const started = performance.now()
    const res = await vote('100000000')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toContain('state update increment on "votes.100000000": index 100000000 is past the end')
    // A 21-byte body that once stored 50 MB.
    const small = await write({ path: 'a.50000000', value: 1 })
    expect(small.status).toBe(400)
    expect(((await small.json()) as { error: string }).error).toMatch(/appends at index 0/)
    // Refused before building anything: building these arrays took seconds and gigabytes.
    expect(performance.now() - started).toBeLessThan(5000)
    const valid = await vote('yes')
    expect(await valid.json()).toEqual({ votes: { yes: 1 } })
  }, 60_000)

  test('prototype segments are refused with a 400 and the process stays clean', async () => {
    for (const option of ['__proto__', '__proto__.polluted', 'constructor', 'prototype', 'constructor.prototype', 'constructor.prototype.polluted']) {
      const res = await vote(option)
      expect(res.status).toBe(400)
      const { error } = (await res.json()) as { error: string }
      expect(error).toMatch(/^\[motia\] state path "votes\.[^"]+" is invalid: the segment "(__proto__|constructor|prototype)" is reserved/)
    }
    for (const op of ['set', 'merge', 'increment', 'remove']) {
      for (const path of ['__proto__.polluted', 'constructor.prototype.polluted', ['__proto__', 'polluted']]) {
        const res = await write({ op, path, value: op === 'merge' ? { polluted: true } : true })
        expect(res.status).toBe(400)
      }
    }
    await expectClean()
  }, 60_000)

  test('a body with own __proto__ keys is stored as plain data', async () => {
    const res = await server.fetch('/write', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"key":"d2","op":"merge","value":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1}}',
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1}')
    await expectClean()
  }, 60_000)

  test('the server is still up and counting', async () => {
    expect((await server.fetch('/__motia/health')).status).toBe(200)
    expect(await (await vote('yes')).json()).toEqual({ votes: { yes: 2 } })
    expect(server.output()).not.toMatch(/Internal Server Error|step "Vote" failed/)
  }, 60_000)
})
