// scripts/test.ts over a small suite of its own: what .ci/run reads from its last lines must be the
// totals of every process, and a failure or a crash anywhere must fail the run.
import { afterAll, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = mkdtempSync(join(tmpdir(), 'motia-test-runner-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function write(file: string, text: string): void {
  mkdirSync(join(root, file, '..'), { recursive: true })
  writeFileSync(join(root, file), text)
}

write('a/one.test.ts', `import { test, expect } from 'bun:test'\ntest('one passes', () => expect(1).toBe(1))\ntest('the worker is named', () => expect(process.env.MOTIA_TEST_WORKER).toMatch(/^[12]$/))\n`)
write('a/two.test.ts', `import { test, expect } from 'bun:test'\ntest('two fails', () => expect(1).toBe(2))\n`)
write('b/three.test.ts', `import { test, expect } from 'bun:test'\ntest('three passes', () => expect(3).toBe(3))\n`)
// Recorded times long enough that each file runs in its own process.
write('test/timings.json', JSON.stringify({ 'a/one.test.ts': 20, 'a/two.test.ts': 20, 'b/three.test.ts': 20, 'b/crash.test.ts': 20 }))
write('b/crash.test.ts', `import { test } from 'bun:test'\ntest('the process dies', () => { process.kill(process.pid, 'SIGKILL') })\n`)

async function runner(args: string[]): Promise<{ output: string; code: number }> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, 'test.ts'), '--root', root, ...args], {
    env: { ...process.env, MOTIA_TEST_WORKERS: '2' },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { output: `${stdout}${stderr}`, code }
}

/** What .ci/run takes: the last ` N pass` and ` N fail` lines. */
function ciCounts(output: string): { passed: number; failed: number } {
  const last = (word: string) => Number([...output.matchAll(new RegExp(`^ *(\\d+) ${word}$`, 'gm'))].at(-1)?.[1])
  return { passed: last('pass'), failed: last('fail') }
}

test('the last lines total every process; a failed test and a crashed process each count, and the run fails', async () => {
  const { output, code } = await runner(['--timeout', '20000'])
  expect(code).toBe(1)
  expect(ciCounts(output)).toEqual({ passed: 3, failed: 2 })
  const failedList = output.slice(output.indexOf('[test] failed:'))
  expect(failedList).toContain('(fail) two fails')
  expect(failedList).toContain('b/crash.test.ts: bun test ended')
  expect(output.trimEnd().split('\n').at(-1)).toMatch(/^Ran 5 tests across 4 files in \d+ processes\./)
})

test("filters choose the files; a clean run exits 0; --record writes the run's files their times and keeps the others'", async () => {
  const { output, code } = await runner(['a/one', 'b/three', '--record'])
  expect(code).toBe(0)
  expect(ciCounts(output)).toEqual({ passed: 3, failed: 0 })
  const timings = JSON.parse(await Bun.file(join(root, 'test/timings.json')).text()) as Record<string, number>
  expect(timings['a/one.test.ts']).toBeLessThan(20)
  expect(timings['b/three.test.ts']).toBeLessThan(20)
  expect(timings).toMatchObject({ 'a/two.test.ts': 20, 'b/crash.test.ts': 20 })
})
