/**
 * The import graph of the repository and the rules it must keep (docs/architecture.md, "Layers"):
 * no cycle among source files, type-only imports included, and every import within its layer's
 * allowance. `imports.test.ts` fails on any finding; `bun test/architecture/import-graph.ts`
 * prints the report.
 *
 * Imports are read with TypeScript's own pre-processor (`ts.preProcessFile`), which lists every
 * module specifier of a file, `import type` and `export … from` included, and `import()` calls.
 * Bun's transpiler would drop type-only imports, and a circle of types is still a circle.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** One import the rules refuse. */
export interface Violation {
  from: string
  to: string
  rule: string
}

export interface ImportReport {
  /** Source files read, relative to the root. */
  files: number
  edges: number
  /** Each circle of files, as the files of one strongly connected component, sorted. */
  cycles: string[][]
  violations: Violation[]
}

/** Folders whose files are read; tests and benchmarks are left out (nothing imports them). */
export const sourceFolders = ['runtime', 'cli', 'plugins', 'templates']

/** Reads the repository at `root` and checks its imports. */
export function checkImports(root: string): ImportReport {
  const exportsMap = packageExports(root)
  const files = sourceFolders.flatMap((folder) => sourceFiles(root, folder))
  const graph = new Map<string, string[]>()
  const violations: Violation[] = []
  let edges = 0
  for (const file of files) {
    const targets: string[] = []
    for (const specifier of specifiersOf(join(root, file))) {
      const target = resolveSpecifier(root, file, specifier, exportsMap)
      if (target === undefined) continue
      targets.push(target.file)
      edges++
      const refused = layerRule(file, target)
      if (refused) violations.push({ from: file, to: target.via ?? target.file, rule: refused })
    }
    graph.set(file, targets)
    if (file.startsWith('runtime/types/') && !declaresTypesOnly(join(root, file))) {
      violations.push({ from: file, to: file, rule: 'runtime/types/ holds type declarations only (interfaces, type aliases, type imports)' })
    }
  }
  return { files: files.length, edges, cycles: findCycles(graph), violations }
}

/** The report as text, one finding a line. */
export function formatReport(report: ImportReport): string {
  const lines = [`${report.files} source files, ${report.edges} imports: ${report.cycles.length} cycle(s), ${report.violations.length} layering violation(s)`]
  for (const cycle of report.cycles) lines.push(`cycle of ${cycle.length} files: ${cycle.join(', ')}`)
  for (const v of report.violations) lines.push(`${v.from} → ${v.to}: ${v.rule}`)
  return lines.join('\n')
}

// --- internal ---

interface Target {
  /** The file the import reaches, relative to the root. */
  file: string
  /** The specifier, when it named the package (`motia`, `motia/adapters`) rather than a path. */
  via?: string
}

/**
 * Why an import from `from` to `target` breaks the layering, or undefined when it may be made.
 * - runtime/ never imports cli/, plugins/ or templates/;
 * - cli/ imports runtime/ and plugins through their entry (`plugins/<name>/index.ts`);
 * - a plugin or a template imports its own files and the package's public entries only;
 * - runtime/compat/ is imported by the public entry (runtime/index.ts), the loader hooks
 *   (runtime/discovery/load-steps.ts for steps, runtime/config.ts for motia.config.ts) and its own files only;
 * - runtime/types/ declares types only (checked where the graph is built).
 */
function layerRule(from: string, target: Target): string | undefined {
  const to = target.file
  const top = (path: string) => path.split('/')[0]!
  if (top(from) === 'runtime') {
    if (['cli', 'plugins', 'templates'].includes(top(to))) return 'runtime never imports cli/, plugins/ or templates/'
    if (to.startsWith('runtime/compat/') && !from.startsWith('runtime/compat/') && !compatImporters.includes(from)) {
      return `runtime/compat/ is imported only by ${compatImporters.join(' and ')}`
    }
    return undefined
  }
  if (top(from) === 'cli') {
    if (top(to) === 'templates') return 'cli copies templates, it never imports them'
    if (top(to) === 'plugins' && !/^plugins\/[^/]+\/index\.ts$/.test(to)) return 'cli imports a plugin only through its entry (plugins/<name>/index.ts)'
    return undefined
  }
  // plugins/<name>/… and templates/<name>/…: their own folder, or the package's public entries.
  const home = from.split('/').slice(0, 2).join('/')
  if (to.startsWith(`${home}/`) || target.via) return undefined
  return `${top(from) === 'plugins' ? 'a plugin' : 'a template'} imports only its own files and the package's public entries ('motia', 'motia/…')`
}

/** The files allowed to import runtime/compat/. */
const compatImporters = ['runtime/index.ts', 'runtime/discovery/load-steps.ts', 'runtime/config.ts']

function sourceFiles(root: string, folder: string): string[] {
  if (!existsSync(join(root, folder))) return []
  const glob = new Bun.Glob('**/*.{ts,tsx,mts}')
  return [...glob.scanSync({ cwd: join(root, folder), onlyFiles: true })]
    .map((path) => `${folder}/${path}`)
    .filter((path) => !/(^|\/)(node_modules|dist|\.motia|\.tmp)\//.test(path) && !/\.test(-d)?\.tsx?$/.test(path) && !path.endsWith('.d.ts'))
    .sort()
}

/** True when every statement of `file` is an interface, a type alias or a type-only import or export. */
function declaresTypesOnly(file: string): boolean {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ESNext)
  return source.statements.every(
    (s) =>
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      (ts.isImportDeclaration(s) && s.importClause?.isTypeOnly === true) ||
      (ts.isExportDeclaration(s) && s.isTypeOnly),
  )
}

function specifiersOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName)
}

/** The repository file a specifier names, or undefined for a package outside the repository. */
function resolveSpecifier(root: string, from: string, specifier: string, exportsMap: Map<string, string>): Target | undefined {
  if (specifier.startsWith('.')) {
    const file = existingFile(resolve(root, dirname(from), specifier))
    return file ? { file: relative(root, file) } : undefined
  }
  if (specifier !== 'motia' && !specifier.startsWith('motia/')) return undefined
  const entry = exportsMap.get(specifier) ?? wildcardEntry(specifier, exportsMap)
  return entry ? { file: entry, via: specifier } : undefined
}

function existingFile(path: string): string | undefined {
  for (const candidate of [path, `${path}.ts`, `${path}.tsx`, join(path, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}

/** package.json `exports`: specifier → file relative to the root. */
function packageExports(root: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string | { default: string }> }
  const map = new Map<string, string>()
  for (const [key, entry] of Object.entries(manifest.exports ?? {})) {
    // A conditional export (`types` for tsc) runs its `default`.
    const target = typeof entry === 'string' ? entry : entry.default
    map.set(key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`, target.replace(/^\.\//, ''))
  }
  return map
}

function wildcardEntry(specifier: string, exportsMap: Map<string, string>): string | undefined {
  for (const [key, target] of exportsMap) {
    if (!key.endsWith('/*')) continue
    const prefix = key.slice(0, -1)
    if (specifier.startsWith(prefix)) return target.replace('*', specifier.slice(prefix.length))
  }
  return undefined
}

/** Tarjan's strongly connected components; each component of more than one file (or a self-import) is a cycle. */
function findCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (node: string) => {
    index.set(node, counter)
    low.set(node, counter++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!))
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort())
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return cycles.sort((a, b) => b.length - a.length)
}

if (import.meta.main) {
  const report = checkImports(resolve(import.meta.dir, '../..'))
  process.stdout.write(`${formatReport(report)}\n`)
  process.exitCode = report.cycles.length + report.violations.length > 0 ? 1 : 0
}
