/**
 * The default request body limit (1 MiB, docs/triggers/http.md) on a real port through the real
 * CLI: a body of exactly the limit is served, one byte more is 413.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'

const MiB = 1024 * 1024

describe('default body limit', () => {
  let project: TempProject
  let cli: CliProcess

  beforeAll(async () => {
    project = makeProject({
      'steps/http/echo.post.step.ts': `export const handler = async (req) => ({ status: 200, body: { length: req.body.pad.length } })`,
    })
    cli = await startCli(['start', '--port', String(freePort())], project.root)
  }, 60_000)

  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  /** A JSON body of exactly `bytes` bytes. */
  const bodyOf = (bytes: number) => `{"pad":"${'x'.repeat(bytes - '{"pad":""}'.length)}"}`
  const post = (body: string) => cli.fetch('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body })

  test('a body a little under 1 MiB, and one of exactly 1 MiB, are served', async () => {
    for (const bytes of [MiB - 100, MiB]) {
      const res = await post(bodyOf(bytes))
      expect({ bytes, status: res.status }).toEqual({ bytes, status: 200 })
      expect(await res.json()).toEqual({ length: bytes - '{"pad":""}'.length })
    }
  })

  test('1 MiB + 1 byte is refused with 413, and the server keeps serving', async () => {
    const res = await post(bodyOf(MiB + 1))
    expect(res.status).toBe(413)
    const after = await post(bodyOf(10))
    expect(after.status).toBe(200)
    expect(cli.output()).not.toContain('"level":"error"')
  })
})
