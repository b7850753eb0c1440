/**
 * Removing a large folder (npm installs, node_modules) takes seconds, tens on a loaded machine:
 * too long for a hook's limit, and nothing a test proves depends on it. The folder is renamed out of
 * the way at once (its path is free again) and deleted by an `rm -rf` that outlives the hook.
 */
import { spawn } from 'node:child_process'
import { existsSync, renameSync } from 'node:fs'

/** Frees `path` now and deletes its contents in the background. */
export function removeInBackground(path: string): void {
  if (!existsSync(path)) return
  const doomed = `${path}.removing-${crypto.randomUUID().slice(0, 8)}`
  renameSync(path, doomed)
  spawn('rm', ['-rf', doomed], { detached: true, stdio: 'ignore' }).unref()
}
