/**
 * Out-of-process steps in a built executable (`motia build`): the language's source files of the
 * project (steps, streams and what they import locally) and the SDK are embedded as text; at run
 * time they are written once under `.motia/languages/<name>/<hash>/` and the system interpreter
 * runs them from there. The steps keep the names they had in the project (`steps/x_step.py`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { LanguageDefinition } from './types.ts'

/** One language's embedded files: project files and SDK files, by relative path. */
export interface BundledLanguage {
  files: Record<string, string>
  sdk: Record<string, string>
}

/** Folders that hold no source of the project in any language (dependencies, output); each language adds its own. */
const skipped = ['node_modules', '.motia', '.git', 'dist', 'build', '.tmp']

/**
 * The files to embed for `language`, or undefined when the project has no step or stream of it.
 * Every source file of the language is taken, so local imports come along whatever their path.
 */
export function collectLanguageSources(root: string, language: LanguageDefinition): BundledLanguage | undefined {
  const files: Record<string, string> = {}
  let used = false
  const ignored = [...skipped, ...(language.ignoredDirs ?? [])]
  walk(root, ignored, (path) => {
    if (!language.sourceFile.test(path)) return
    const rel = relative(root, path)
    files[rel] = readFileSync(path, 'utf8')
    if (language.stepFile.test(path) || language.streamFile.test(path)) used = true
  })
  if (!used) return undefined
  const sdk: Record<string, string> = {}
  walk(language.sdkDir, ignored, (path) => {
    if (language.sourceFile.test(path)) sdk[relative(language.sdkDir, path)] = readFileSync(path, 'utf8')
  })
  return { files, sdk }
}

/** Writes the embedded files under the project's `.motia/` (once per content); answers where. */
export function extractLanguage(root: string, name: string, bundled: BundledLanguage): { projectDir: string; sdkDir: string } {
  const hasher = new Bun.CryptoHasher('sha256')
  for (const group of [bundled.files, bundled.sdk]) for (const [path, text] of Object.entries(group).sort()) hasher.update(path).update('\0').update(text).update('\0')
  const base = join(root, '.motia', 'languages', name, hasher.digest('hex').slice(0, 16))
  const projectDir = join(base, 'project')
  const sdkDir = join(base, 'sdk')
  const done = join(base, '.complete')
  if (!existsSync(done)) {
    for (const [dir, group] of [[projectDir, bundled.files], [sdkDir, bundled.sdk]] as const) {
      for (const [path, text] of Object.entries(group)) {
        const target = join(dir, path)
        mkdirSync(dirname(target), { recursive: true })
        writeFileSync(target, text)
      }
    }
    writeFileSync(done, '')
  }
  return { projectDir, sdkDir }
}

// --- internal ---

/** Visits the files under `dir`, leaving out folders named in `ignored` (a name, or a path from `dir`). */
function walk(dir: string, ignored: readonly string[], visit: (path: string) => void, root = dir): void {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  if (entries.some((entry) => entry.name === 'pyvenv.cfg')) return
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !ignored.includes(entry.name) && !ignored.includes(relative(root, path))) walk(path, ignored, visit, root)
    } else if (entry.isFile()) visit(path)
  }
}
