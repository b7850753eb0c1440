// Writes types/: the declaration files of the package's entries (package.json `exports`, the
// `types` condition), so that a project type-checks against them instead of the runtime's
// sources. With skipLibCheck (the templates' setting) tsc then checks only the project's own
// files: bench/tsc.ts measures the difference (docs/performance.md). Skips the work when the
// sources have not changed since the last run (a stamp of their paths, sizes and times); the
// test helpers and link-self.mjs call it, and `npm pack` through `prepack`.
//
//   node scripts/build-types.mjs [--force]
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'types')
const stampFile = join(out, '.stamp')

const sources = ['runtime', 'plugins'].flatMap((dir) => walk(join(root, dir))).filter((file) => /\.(ts|tsx)$/.test(file) && !/\.test(-d)?\.ts$/.test(file))
const stamp = createHash('sha256')
for (const file of sources.sort()) {
  const { size, mtimeMs } = statSync(file)
  stamp.update(`${relative(root, file)} ${size} ${mtimeMs}\n`)
}
stamp.update(readFileSync(join(root, 'package.json')))
const wanted = stamp.digest('hex')

if (!process.argv.includes('--force') && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === wanted) process.exit(0)

// The entries: the `default` source of every export that has a `types` condition.
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const entries = Object.values(exports).flatMap((target) => {
  if (typeof target !== 'object' || !target.types) return []
  const source = target.default
  if (!source.includes('*')) return [source]
  const [before, after] = source.split('*')
  const base = join(root, before)
  return readdirSync(base).filter((name) => existsSync(join(base, name, after.replace(/^\//, '')))).map((name) => `${before}${name}${after}`)
})

// Built beside and swapped in whole, so that a reader never sees half a folder.
const staging = join(root, '.tmp', `types-${process.pid}`)
rmSync(staging, { recursive: true, force: true })
mkdirSync(staging, { recursive: true })
const config = join(staging, 'tsconfig.json')
writeFileSync(
  config,
  JSON.stringify({
    extends: join(root, 'tsconfig.json'),
    compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: join(staging, 'types'), rootDir: root, incremental: false },
    include: [],
    files: entries.map((entry) => join(root, entry)),
  }),
)
const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', config], { cwd: root, encoding: 'utf8' })
// Type errors still emit declarations; `npm run typecheck` is where they are reported.
if (!existsSync(join(staging, 'types', entries[0].replace(/\.tsx?$/, '.d.ts')))) {
  process.stderr.write(`[motia] could not write the declaration files (types/):\n${tsc.stdout}${tsc.stderr}\n`)
  process.exit(1)
}
// Hand-written declarations are not emitted: copied beside the emitted ones. tsc drops the
// `/// <reference path>` lines that bring them in (the `motia` entry's @motiadev/* modules): put back.
for (const file of sources.filter((f) => f.endsWith('.d.ts'))) cpSync(file, join(staging, 'types', relative(root, file)))
for (const file of sources.filter((f) => !f.endsWith('.d.ts'))) {
  const references = readFileSync(file, 'utf8').match(/^\/\/\/ <reference path=.*$/gm)
  const emitted = join(staging, 'types', relative(root, file)).replace(/\.tsx?$/, '.d.ts')
  if (references && existsSync(emitted)) writeFileSync(emitted, `${references.join('\n')}\n${readFileSync(emitted, 'utf8')}`)
}
writeFileSync(join(staging, 'types', '.stamp'), wanted)
try {
  rmSync(out, { recursive: true, force: true })
  renameSync(join(staging, 'types'), out)
} catch (error) {
  // Another process (a parallel test worker) put the same declarations in place first.
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== wanted) throw error
} finally {
  rmSync(staging, { recursive: true, force: true })
}

function walk(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return []
    const path = join(dir, entry.name)
    return entry.isDirectory() ? walk(path) : [path]
  })
}
