// Links node_modules/motia to this checkout, so the templates and docs examples inside the
// repository import `motia` exactly as a user's project does (one copy of the runtime).
// The scripts that need it (test, demo, bench:*) run it first. It is not an install script:
// then every project depending on motia from a tarball or a folder would carry an install
// script that npm 12 refuses unless the project allows it.
// It also brings types/ (the entries' declaration files) up to date: see build-types.mjs.
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// Installed as a dependency of someone's project: nothing to link.
if (root.split(/[\\/]/).includes('node_modules')) process.exit(0)
const link = join(root, 'node_modules', 'motia')
mkdirSync(dirname(link), { recursive: true })
if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) unlinkSync(link)
symlinkSync('..', link, 'dir')
const types = spawnSync(process.execPath, [join(root, 'scripts', 'build-types.mjs')], { stdio: 'inherit' })
if (types.status !== 0) process.exit(types.status ?? 1)
