/**
 * `motia build`: writes `motia.lock.json` and compiles the project into one executable that
 * embeds every step (imported statically by a generated entry) and runs without node_modules. The
 * project is loaded as `motia start` loads it, and refused for what `motia start` refuses.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import type { LoadedStream } from '../../runtime/streams/definitions.ts'
import type { BundledLanguage } from '../../runtime/languages/bundle.ts'
import pkg from '../../package.json' with { type: 'json' }
import { defineCommand } from '../command.ts'
import { UsageError } from '../errors.ts'
import { errorMessage } from '../../runtime/errors.ts'
import { scanStepRoots } from '../../runtime/discovery/load-steps.ts'

interface BuildOptions {
  dir: string
  outfile?: string
  target?: string
  minify?: boolean
  sourcemap?: boolean
}

export default defineCommand({
  name: 'build',
  description: 'compile the project into one executable (and write motia.lock.json)',
  options: [
    { flags: '-o, --outfile <file>', description: 'where to write the executable (default dist/<project-name>)' },
    { flags: '--target <target>', description: "bun's compile target, e.g. bun-linux-x64 or bun-linux-arm64 (default: this machine)" },
    { flags: '--minify', description: 'minify the bundled code' },
    { flags: '--sourcemap', description: 'embed a source map so stack traces point into your steps' },
  ],
  dir: true,
  examples: ['motia build', 'motia build --outfile dist/api --minify', 'PORT=8080 ./dist/my-app'],
  run: build,
})

async function build(opts: BuildOptions): Promise<void> {
  const [{ createProgress }, { loadFailure, loadProjectFiles }] = await Promise.all([import('../progress.ts'), import('../../runtime/project.ts')])
  const root = resolve(opts.dir)
  const progress = createProgress()
  const started = performance.now()
  progress.phase('loading steps')
  const loaded = await loadProjectFiles({ root, mode: 'start' })
  if (loaded.errors.length > 0) {
    progress.failed('steps failed to load')
    throw loadFailure(loaded.errors)
  }
  if (loaded.steps.length === 0) throw new UsageError(`[motia] no steps found under ${root}/steps or ${root}/src: nothing to build`)
  if (loaded.unavailable.length > 0) throw new UsageError(loaded.unavailable.join('\n'))
  // Steps in other languages (Python) are embedded as source and run by the system's interpreter.
  const { languages, streamLanguageOf } = await import('../../runtime/languages/registry.ts')
  const embedded = await embeddedLanguages(root, languages)
  const inProcess = [...loaded.steps.filter((step) => step.language === 'typescript' || step.language === 'javascript'), ...loaded.streams.filter((stream) => !streamLanguageOf(stream.file))]

  progress.phase(`writing motia.lock.json (${loaded.steps.length} steps)`)
  writeFileSync(join(root, 'motia.lock.json'), `${JSON.stringify(lockfile(root, loaded.steps, loaded.streams), null, 2)}\n`)

  const [{ bundlePublicScripts, filesToEmbed, projectMetaPlugin }, { motiaModulesForBuild }] = await Promise.all([import('../build/embed.ts'), import('../../runtime/config.ts')])
  const sources = [...scanStepRoots(root, ['ts', 'tsx', 'mts', 'js', 'mjs'], () => true), ...(loaded.project.config.file ? [loaded.project.config.file] : [])]
  const publicDir = loaded.project.config.http.public?.dir
  const files = filesToEmbed(root, loaded.steps, sources, publicDir)
  // The page scripts are bundled now: the executable has no node_modules to bundle them from.
  const scripts = await bundlePublicScripts(root, publicDir)
  const entry = join(root, '.motia', 'build', 'entry.ts')
  mkdirSync(dirname(entry), { recursive: true })
  const about = projectAbout(root)
  writeFileSync(join(dirname(entry), 'languages.json'), JSON.stringify(embedded))
  writeFileSync(join(dirname(entry), 'scripts.json'), JSON.stringify(scripts))
  writeFileSync(entry, entrySource(entry, inProcess, loaded.project.config.file, about, files.map((file) => join(root, file))))

  const outfile = resolve(root, opts.outfile ?? join('dist', about.name))
  mkdirSync(dirname(outfile), { recursive: true })
  progress.phase(`compiling ${relative(process.cwd(), outfile) || outfile}${files.length ? ` (with ${files.length} file(s): ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})` : ''}`)
  const target = opts.target ? (opts.target.startsWith('bun') ? opts.target : `bun-${opts.target}`) : undefined
  let failure: string | undefined
  try {
    const result = await Bun.build({
      entrypoints: [entry],
      root,
      compile: { outfile, ...(target ? { target: target as Bun.Build.CompileTarget } : {}) },
      // Embedded files keep their place in the project, under the executable's virtual folder.
      naming: { asset: '[dir]/[name].[ext]' },
      minify: opts.minify,
      sourcemap: opts.sourcemap ? 'inline' : undefined,
      // Motia projects import `@motiadev/core` and Motia's plugins, resolved as `motia dev` resolves them.
      plugins: [projectMetaPlugin(root), motiaModulesForBuild()],
      throw: false,
    })
    if (!result.success) failure = result.logs.map(String).join('\n')
  } catch (error) {
    failure = errorMessage(error)
  }
  rmSync(dirname(entry), { recursive: true, force: true })
  if (failure !== undefined) {
    progress.failed('compile failed')
    throw new UsageError(`[motia] bun build failed: ${compileError(root, failure)}`)
  }
  const size = statSync(outfile).size
  const seconds = (performance.now() - started) / 1000
  progress.done(`built ${relative(process.cwd(), outfile) || outfile} (${(size / 1024 / 1024).toFixed(1)} MB) in ${seconds.toFixed(1)} s`)
  process.stdout.write(`\nRun it from the folder that should hold .env and .motia/:\n  PORT=3111 ${outfile}\n`)
}

// --- internal ---

/** Everything a deployment needs to know about the steps, with a hash of each file. */
function lockfile(root: string, steps: readonly LoadedStep[], streams: readonly LoadedStream[]) {
  return {
    motia: pkg.version,
    steps: steps.map((step) => ({
      name: step.name,
      file: step.relativePath,
      hash: new Bun.CryptoHasher('sha256').update(readFileSync(step.file)).digest('hex'),
      flows: step.flows,
      triggers: step.triggers.map(describeTrigger),
      routes: step.triggers.flatMap((t) => (t.type === 'http' ? [`${String(t.method)} ${String(t.path)}`] : [])),
      topics: step.triggers.flatMap((t) => (t.type === 'queue' ? [String(t.topic)] : [])),
      enqueues: step.enqueues,
    })),
    streams: streams.map((stream) => ({ name: stream.name, file: stream.relativePath, hash: new Bun.CryptoHasher('sha256').update(readFileSync(stream.file)).digest('hex') })),
  }
}

/** A trigger's plain settings; schemas and functions are left out (they live in the step file). */
function describeTrigger(trigger: LoadedStep['triggers'][number]): Record<string, unknown> {
  const plain: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(trigger)) {
    if (key === 'index') continue
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) plain[key] = value
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) plain[key] = value
  }
  return plain
}

function entrySource(entry: string, steps: ReadonlyArray<{ file: string; relativePath: string }>, configFile: string | undefined, about: { name: string; version?: string }, files: readonly string[]): string {
  const from = (file: string) => JSON.stringify(relative(dirname(entry), file).replace(/\\/g, '/'))
  const lines = ['// Generated by `motia build`: imports every step so the executable needs no files at run time.', "import { runBundle } from 'motia/bundle'"]
  // Files steps read: embedded at their place in the project (see cli/build/embed.ts).
  files.forEach((file, i) => lines.push(`import file${i} from ${from(file)} with { type: 'file' }`))
  steps.forEach((step, i) => lines.push(`import * as step${i} from ${from(step.file)}`))
  if (configFile) lines.push(`import projectConfig from ${from(configFile)}`)
  lines.push("import languages from './languages.json' with { type: 'json' }")
  lines.push("import scripts from './scripts.json' with { type: 'json' }")
  lines.push('', 'await runBundle({', '  modules: {')
  steps.forEach((step, i) => lines.push(`    ${JSON.stringify(step.relativePath)}: step${i},`))
  lines.push('  },', `  config: ${configFile ? 'projectConfig' : '{}'},`, '  languages,', '  scripts,', `  files: [${files.map((_, i) => `file${i}`).join(', ')}],`, `}, ${JSON.stringify(about)})`, '')
  return lines.join('\n')
}

/** The source files of each language the project has steps in, by language name. */
async function embeddedLanguages(root: string, languages: typeof import('../../runtime/languages/registry.ts').languages): Promise<Record<string, BundledLanguage>> {
  const { collectLanguageSources } = await import('../../runtime/languages/bundle.ts')
  const out: Record<string, BundledLanguage> = {}
  for (const language of languages) {
    const bundled = collectLanguageSources(root, language)
    if (bundled) out[language.name] = bundled
  }
  return out
}

/** The executable's name (the package name, else the folder's) and the package version. */
function projectAbout(root: string): { name: string; version?: string } {
  try {
    const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string; version?: string }
    if (name) return { name: name.replace(/^@[^/]+\//, ''), version: typeof version === 'string' ? version : undefined }
  } catch {
    // no package.json: the folder name will do
  }
  return { name: basename(root) }
}

/** The first error line of bun's output, with paths relative to the project. */
function compileError(root: string, output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean)
  const error = lines.find((line) => /error/i.test(line)) ?? lines[0] ?? 'no output'
  const at = lines.find((line) => line.startsWith('at ') && line.includes(root))
  return `${error}${at ? ` (${at.replace(`${root}/`, '')})` : ''}`.replaceAll(`${root}/`, '')
}
