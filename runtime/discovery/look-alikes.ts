/**
 * Files that look like steps but are never loaded: a near-miss name (`orders.steps.ts`,
 * `orders-step.ts`) under a step folder, or a step file outside `steps/` and `src/`. Left alone
 * they fail silently (the route 404s, the topic has no subscriber); each gets a one-line hint.
 */
import { relative, sep } from 'node:path'
import { stepRoots } from './conventions.ts'
import { projectFiles } from './project-files.ts'

/** One hint per look-alike file under `root`, sorted by path. `isStepFile` is the loaders' own test. */
export function lookAlikeHints(root: string, isStepFile: (path: string) => boolean): string[] {
  const hints: string[] = []
  for (const file of projectFiles(root, (name) => /[._-]steps?\.[a-z]+$/.test(name), 12).sort()) {
    const path = relative(root, file)
    const name = path.slice(path.lastIndexOf(sep) + 1)
    const inRoot = stepRoots.some((dir) => path.startsWith(dir + sep))
    if (isStepFile(file)) {
      if (!inRoot) hints.push(`[motia] ${path} looks like a step but is not loaded: steps are found under ${stepRoots.map((d) => `${d}/`).join(' and ')} only; move it there (e.g. steps/${name})`)
      continue
    }
    const near = /^(.+?)(\.steps|[-_]step)\.(ts|js|mjs)$/.exec(name)
    if (inRoot && near) hints.push(`[motia] ${path} is not loaded: step files are named *.step.${near[3]}; rename it to ${near[1]}.step.${near[3]}`)
  }
  return hints
}
