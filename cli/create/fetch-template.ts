/**
 * Remote templates through giget (`gh:owner/repo/path`, `github:`, `gitlab:`, `https://…/x.tar.gz`,
 * and `motia:<name>` from the registry in $MOTIA_TEMPLATE_REGISTRY). Downloads land in a staging
 * folder first, which is checked before anything reaches the user's project.
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs'
import { dirname, join, relative, resolve, isAbsolute } from 'node:path'
import { UsageError } from '../errors.ts'

/**
 * Downloads `source` into `dir` (which must not exist or be empty). An archive entry whose path
 * leaves the folder (`../x`, `/etc/x`) is not extracted and makes the whole template refused.
 */
export async function downloadRemote(source: string, dir: string, env: Record<string, string | undefined> = process.env): Promise<void> {
  const { downloadTemplate, registryProvider } = await import('giget')
  const registry = env.MOTIA_TEMPLATE_REGISTRY
  if (source.startsWith('motia:') && !registry) {
    throw new UsageError(`[motia] template "${source}" needs a registry: set MOTIA_TEMPLATE_REGISTRY to the URL that serves <name>.json`)
  }
  const escaping: string[] = []
  try {
    await downloadTemplate(source, {
      dir,
      force: true,
      registry: false,
      providers: registry ? { motia: registryProvider(registry.replace(/\/$/, '')) } : {},
      ignore: (path) => {
        const leaves = isAbsolute(path) || path.split(/[\\/]/).includes('..')
        if (leaves) escaping.push(path)
        return leaves
      },
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new UsageError(`[motia] could not download template "${source}": ${reason}`)
  }
  if (escaping.length > 0) {
    throw new UsageError(`[motia] template "${source}" has files outside its folder (${escaping.join(', ')}): refusing to use this template`)
  }
}

/**
 * Throws when anything in `dir` would land outside it: a symbolic link pointing out of the tree
 * (tar already refuses `..` and absolute entry names).
 */
export function assertContained(dir: string): void {
  const root = resolve(dir)
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry)
      const stat = lstatSync(path)
      if (stat.isSymbolicLink()) {
        const target = readlinkSync(path)
        const landing = isAbsolute(target) ? target : resolve(dirname(path), target)
        const inside = relative(root, landing)
        if (inside.startsWith('..') || isAbsolute(inside)) {
          throw new UsageError(`[motia] the template's "${relative(root, path)}" points outside the project (to ${target}): refusing to use this template`)
        }
      } else if (stat.isDirectory()) walk(path)
    }
  }
  walk(root)
}
