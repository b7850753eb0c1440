/**
 * Finds a Bun binary for the launcher (bin/motia.mjs), with Node alone: no dependencies.
 *
 * Order: the `bun` package as resolved from each folder in `from` (the launcher's own, then the
 * user's project), then `bun` on PATH. For an npm package it prefers the native binary itself, so
 * no shell or Node wrapper sits between the launcher and Bun:
 * - `@oven/bun-<os>-<arch>/bin/bun`, the per-platform optional dependency that holds the real
 *   binary, is there when bun's postinstall did not run (npm 12 without allowScripts, pnpm,
 *   `--ignore-scripts`);
 * - `bun/bin/bun.exe` is that same binary once the postinstall moved it there, and a small
 *   "postinstall was not run" script before, which is skipped.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/**
 * @param {{ from: string[], path?: string, platform?: string, arch?: string }} options
 * @returns {string | undefined} the path of a Bun binary
 */
export function findBun({ from, path = process.env.PATH ?? '', platform = process.platform, arch = process.arch }) {
  for (const dir of from) {
    const bunPackage = resolveFrom('bun/package.json', dir)
    if (!bunPackage) continue
    const bunDir = dirname(bunPackage)
    for (const name of platformPackages(platform, arch)) {
      const manifest = resolveFrom(`${name}/package.json`, bunDir)
      const binary = manifest && join(dirname(manifest), 'bin', platform === 'win32' ? 'bun.exe' : 'bun')
      if (binary && isNative(binary)) return binary
    }
    const moved = join(bunDir, 'bin', 'bun.exe')
    if (isNative(moved)) return moved
  }
  return onPath(path, platform)
}

/** The @oven packages that may hold Bun's binary for this platform, most likely first. */
export function platformPackages(platform, arch) {
  const cpu = arch === 'arm64' ? 'aarch64' : arch
  if (platform === 'win32') return [`@oven/bun-windows-${cpu}`]
  if (platform === 'android') return [`@oven/bun-linux-${cpu}-android`]
  // npm installs only the one whose libc matches, so trying both finds the right one.
  if (platform === 'linux') return [`@oven/bun-linux-${cpu}`, `@oven/bun-linux-${cpu}-musl`]
  return [`@oven/bun-${platform}-${cpu}`]
}

// --- internal ---

function resolveFrom(request, dir) {
  try {
    return require.resolve(request, { paths: [dir] })
  } catch {
    return undefined
  }
}

/** A file that starts like a binary (ELF, Mach-O or PE), not like a script. */
function isNative(file) {
  if (!isFile(file)) return false
  const head = readHead(file, 4)
  if (head.length < 4) return false
  const magic = head.readUInt32BE(0)
  return (
    magic === 0x7f454c46 || // ELF
    [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic) || // Mach-O
    head.toString('latin1', 0, 2) === 'MZ' // PE (Windows)
  )
}

/** `bun` on PATH, except bun's npm placeholder script (it only says the postinstall did not run). */
function onPath(path, platform) {
  const name = platform === 'win32' ? 'bun.exe' : 'bun'
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const file = join(dir, name)
    if (isFile(file) && (isNative(file) || !readHead(file, 4096).toString('utf8').includes('postinstall script was not run'))) return file
  }
  return undefined
}

function isFile(file) {
  return existsSync(file) && statSync(file).isFile()
}

function readHead(file, size) {
  const buffer = Buffer.alloc(size)
  const fd = openSync(file, 'r')
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, size, 0))
  } finally {
    closeSync(fd)
  }
}
