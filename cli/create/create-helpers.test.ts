import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assertContained } from './fetch-template.ts'
import { folderOf, packageNameProblem } from './package-name.ts'

describe('packageNameProblem', () => {
  test('accepts what npm accepts', () => {
    for (const name of ['my-app', 'app2', '@acme/api', 'a.b_c~d']) expect(packageNameProblem(name)).toBeUndefined()
  })

  test('names what npm would reject', () => {
    expect(packageNameProblem('')).toBe('it is empty')
    expect(packageNameProblem('x'.repeat(215))).toBe('it is longer than 214 characters')
    expect(packageNameProblem('_private')).toBe('it starts with "." or "_"')
    expect(packageNameProblem('node_modules')).toBe('"node_modules" is reserved')
    expect(packageNameProblem('http')).toBe('"http" is a Node.js core module')
    expect(packageNameProblem('a b')).toContain('may only contain')
  })

  test('a scoped name gets the folder of its last part', () => {
    expect(folderOf('@acme/api')).toBe('api')
  })
})

describe('assertContained', () => {
  const dirs: string[] = []
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'motia-contained-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  test('allows links that stay inside', () => {
    const dir = fresh()
    mkdirSync(join(dir, 'a'))
    writeFileSync(join(dir, 'a/file.txt'), 'x')
    symlinkSync('a/file.txt', join(dir, 'link'))
    expect(() => assertContained(dir)).not.toThrow()
  })

  test('refuses a link that leaves the folder, however deep', () => {
    const dir = fresh()
    mkdirSync(join(dir, 'deep/er'), { recursive: true })
    symlinkSync('../../../outside', join(dir, 'deep/er/escape'))
    expect(() => assertContained(dir)).toThrow(`the template's "deep/er/escape" points outside the project`)
    symlinkSync('/etc', join(dir, 'absolute'))
    expect(() => assertContained(dir)).toThrow('points outside the project')
  })
})
