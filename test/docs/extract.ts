/**
 * Finds the examples in Markdown pages that the docs test checks (see docs/README.md).
 *
 * - A fenced ```ts block is an example when its first line is a comment naming a file of the
 *   example project: `// steps/http/hello.get.step.ts`, `// motia.config.ts`. So is a ```python
 *   block whose first line is `# steps/orders/create_order_step.py`, and a ```ruby block whose
 *   first line is `# steps/orders/create_order_step.rb`. Other blocks are prose.
 * - The examples of one page make one project. A fence with `project=<name>` (```ts project=sqlite)
 *   puts its block in a separate project of that page, so a page can show two versions of a file.
 * - A line `<!-- check: POST /orders {"item":"book"} -> 202 -->` sends that request to the page's
 *   project (`check: project=<name> ...` for another one) and expects that status.
 */

export interface Example {
  page: string
  /** Line of the page holding the example's first line (the path comment), 1-based. */
  line: number
  /** Path inside the example project. */
  path: string
  project: string
  code: string
}

export interface Check {
  page: string
  line: number
  project: string
  method: string
  path: string
  body?: unknown
  status: number
}

export interface DocProject {
  page: string
  /** `''` for the page's main project. */
  name: string
  files: Example[]
  checks: Check[]
}

/** The examples and checks of one page, and what is malformed about them. */
export function extractExamples(page: string, markdown: string): { examples: Example[]; checks: Check[]; problems: string[] } {
  const lines = markdown.split('\n')
  const examples: Example[] = []
  const checks: Check[] = []
  const problems: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const check = checkPattern.exec(line)
    if (check) {
      const [, project = '', method, path, body, status] = check
      const parsed = parseBody(body)
      if (parsed.ok) checks.push({ page, line: i + 1, project, method: method!, path: path!, body: parsed.value, status: Number(status) })
      else problems.push(`${page}:${i + 1}: the body of this check is not JSON: ${body}`)
      continue
    }
    if (/^\s*<!--\s*check/.test(line)) problems.push(`${page}:${i + 1}: a check must read <!-- check: METHOD /path [json body] -> STATUS -->`)
    const fence = fencePattern.exec(line)
    if (!fence) continue
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l))
    if (end === -1) {
      problems.push(`${page}:${i + 1}: this code block is never closed`)
      break
    }
    const [, lang = '', info = ''] = fence
    const first = lines[i + 1] ?? ''
    const hashComment = hashCommentLanguages[lang]
    const named = hashComment ? hashComment.exec(first) : pathComment.exec(first)
    if ((lang === 'ts' || lang === 'typescript' || hashComment) && named) {
      const path = named[1]!
      if (path.startsWith('/') || path.split('/').includes('..')) problems.push(`${page}:${i + 2}: an example path must stay inside the project: ${path}`)
      else examples.push({ page, line: i + 2, path, project: /(?:^|\s)project=(\S+)/.exec(info)?.[1] ?? '', code: lines.slice(i + 1, end).join('\n') + '\n' })
    }
    i = end
  }
  return { examples, checks, problems }
}

/** Groups examples and checks into projects: one per page, plus one per `project=` name. */
export function groupProjects(examples: readonly Example[], checks: readonly Check[]): { projects: DocProject[]; problems: string[] } {
  const projects = new Map<string, DocProject>()
  const problems: string[] = []
  const projectOf = (page: string, name: string) => {
    const key = `${page}#${name}`
    let project = projects.get(key)
    if (!project) projects.set(key, (project = { page, name, files: [], checks: [] }))
    return project
  }
  for (const example of examples) {
    const project = projectOf(example.page, example.project)
    const same = project.files.find((f) => f.path === example.path)
    if (same) {
      problems.push(`${example.page}:${example.line}: ${example.path} is already shown at line ${same.line}; give one of the blocks its own project (\`\`\`ts project=<name>)`)
      continue
    }
    project.files.push(example)
  }
  for (const check of checks) {
    const project = projects.get(`${check.page}#${check.project}`)
    if (project) project.checks.push(check)
    else problems.push(`${check.page}:${check.line}: this check names project "${check.project}", which has no examples on the page`)
  }
  return { projects: [...projects.values()], problems }
}

/** A folder name for a project: `docs/triggers/http.md` + `alt` → `docs-triggers-http-alt`. */
export function projectSlug(project: Pick<DocProject, 'page' | 'name'>): string {
  const base = project.page.replace(/\.md$/i, '').replace(/[^a-zA-Z0-9]+/g, '-')
  return project.name ? `${base}-${project.name}` : base
}

// --- internal ---

const fencePattern = /^```(\w*)(.*)$/
const pathComment = /^\/\/ ([\w.\-[\]/]+\.(?:ts|mts|js|mjs))(?:\s|$)/
const pythonPathComment = /^# ([\w.\-[\]/]+\.py)(?:\s|$)/
const rubyPathComment = /^# ([\w.\-[\]/]+\.rb)(?:\s|$)/
/** Languages whose examples name their file in a `#` comment. */
const hashCommentLanguages: Record<string, RegExp | undefined> = { python: pythonPathComment, py: pythonPathComment, ruby: rubyPathComment, rb: rubyPathComment }
const checkPattern = /^\s*<!--\s*check:\s*(?:project=(\S+)\s+)?([A-Z]+)\s+(\/\S*)(?:\s+(\S.*?))?\s*->\s*(\d{3})\s*-->/

function parseBody(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}
