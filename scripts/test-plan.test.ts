import { afterAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { findTestFiles, planBatches, readBatchReport } from './test-plan.ts'

const folders: string[] = []
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

function folderWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'motia-test-plan-'))
  folders.push(root)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), text)
  }
  return root
}

describe('findTestFiles', () => {
  test("finds bun's test file names and skips installs and the temporary projects under .tmp", () => {
    const root = folderWith({
      'a.test.ts': '', 'lib/b_test.js': '', 'lib/c.spec.tsx': '', 'lib/d.ts': '', 'lib/e.test-d.ts': '',
      'node_modules/x/f.test.ts': '', '.tmp/p-1/g.test.ts': '', 'templates/t/test/h.test.js': '',
    })
    expect(findTestFiles(root)).toEqual(['a.test.ts', 'lib/b_test.js', 'lib/c.spec.tsx', 'templates/t/test/h.test.js'])
  })

  test('filters keep the files whose path contains one of them, with or without ./', () => {
    const root = folderWith({ 'runtime/a.test.ts': '', 'runtime/b.test.ts': '', 'test/e2e/c.test.ts': '' })
    expect(findTestFiles(root, ['./runtime/a', 'e2e'])).toEqual(['runtime/a.test.ts', 'test/e2e/c.test.ts'])
  })
})

describe('planBatches', () => {
  test('a file longer than a batch runs alone; short files share batches up to the limit; longest first', () => {
    const timings = { long: 60, mid: 15, a: 8, b: 6, c: 4, d: 2 }
    const batches = planBatches(Object.keys(timings), timings, 20)
    expect(batches.map((b) => b.files)).toEqual([['long'], ['mid', 'c'], ['a', 'b', 'd']])
    expect(batches.map((b) => b.seconds)).toEqual([60, 19, 16])
  })

  test('a file with no recorded time counts as the median of the recorded ones', () => {
    const batches = planBatches(['new', 'x', 'y', 'z'], { x: 1, y: 9, z: 30 }, 10)
    expect(batches.map((b) => b.files)).toEqual([['z'], ['new', 'x'], ['y']])
  })

  test('with no timings at all every file still runs exactly once', () => {
    const files = Array.from({ length: 23 }, (_, i) => `f${i}.test.ts`)
    const planned = planBatches(files, {}, 25).flatMap((b) => b.files)
    expect(planned.sort()).toEqual([...files].sort())
  })
})

describe('readBatchReport', () => {
  const batch = { files: ['a.test.ts', 'b.test.ts'], seconds: 3 }
  const summary = (pass: number, fail: number) => `\n ${pass} pass\n ${fail} fail\nRan ${pass + fail} tests across 2 files. [1.00s]\n`

  test("counts bun's summary and collects the failed tests' lines", () => {
    const output = `a.test.ts:\n(pass) one\n(fail) group > two [1.2ms]\n\n1 tests failed:\n(fail) group > two [1.2ms]\n${summary(1, 1)}`
    expect(readBatchReport(batch, output, undefined, 1)).toEqual({ passed: 1, failed: 1, failures: ['(fail) group > two [1.2ms]'], seconds: {} })
  })

  test("reads each file's time from the JUnit report, not its nested suites", () => {
    const junit = [
      '<testsuites name="bun test" tests="3" time="3.3">',
      '  <testsuite name="a.test.ts" file="a.test.ts" tests="2" failures="0" time="2.5" hostname="vm">',
      '    <testsuite name="inner" file="a.test.ts" line="5" tests="1" time="0.1" hostname="vm">',
      '  <testsuite name="b.test.ts" file="b.test.ts" tests="1" failures="0" time="0.75" hostname="vm">',
    ].join('\n')
    expect(readBatchReport(batch, summary(3, 0), junit, 0).seconds).toEqual({ 'a.test.ts': 2.5, 'b.test.ts': 0.75 })
  })

  test('a process that died before its summary is one failure naming its files', () => {
    const report = readBatchReport(batch, 'a.test.ts:\n(pass) one\n', undefined, null)
    expect(report.failed).toBe(1)
    expect(report.failures).toEqual(['(fail) a.test.ts, b.test.ts: bun test ended (exit null) without reporting its results'])
  })

  test('a failing exit with no failure reported still counts as a failure', () => {
    const report = readBatchReport(batch, summary(4, 0), undefined, 3)
    expect(report).toMatchObject({ passed: 4, failed: 1 })
    expect(report.failures[0]).toContain('exited with 3')
  })
})
