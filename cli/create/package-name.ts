/** The rules npm applies to new package names, so `create` refuses a name npm would reject. */
import { builtinModules } from 'node:module'

const fallbackName = 'my-motia-app'

/** Returns what is wrong with `name` as an npm package name, or undefined when it is fine. */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty'
  if (name.length > 214) return 'it is longer than 214 characters'
  if (name !== name.trim()) return 'it starts or ends with spaces'
  if (name !== name.toLowerCase()) return 'it has uppercase letters'
  if (/^[._]/.test(name)) return 'it starts with "." or "_"'
  const bare = name.replace(/^@[^/]+\//, '')
  if (['node_modules', 'favicon.ico'].includes(bare)) return `"${bare}" is reserved`
  if (builtinModules.includes(bare)) return `"${bare}" is a Node.js core module`
  // npm refuses ~'!()* in the name of a new package (older packages kept them).
  if (!/^(?:@[a-z0-9-][a-z0-9-._]*\/)?[a-z0-9-][a-z0-9-._]*$/.test(name)) return 'it may only contain lowercase letters, digits, "-", "." and "_" (and one @scope/)'
  return undefined
}

/**
 * A valid package name close to `input`: lowercased, accents dropped, other characters turned
 * into "-", leading dots and underscores removed, cut to npm's length limit, and moved off a
 * reserved or core-module name. Always passes `packageNameProblem`.
 */
export function suggestPackageName(input: string): string {
  const scoped = /^@([^/]*)\/(.*)$/.exec(input.trim())
  const scope = scoped ? clean(scoped[1]!) : ''
  const prefix = scope ? `@${scope}/` : ''
  let bare = clean(scoped ? scoped[2]! : input)
  if (['node_modules', 'favicon.ico'].includes(bare) || builtinModules.includes(bare)) bare = `${bare}-app`
  bare = trimEnds(bare.slice(0, 214 - prefix.length)) || fallbackName
  const name = prefix + bare
  return packageNameProblem(name) === undefined ? name : fallbackName
}

/** `my-app` from `my-app` or `@acme/my-app`: the folder a name gets. */
export function folderOf(name: string): string {
  return name.replace(/^@[^/]+\//, '')
}

// --- internal ---

/** The characters npm allows, lowercased and without accents; every other run becomes "-". */
function clean(text: string): string {
  const plain = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase()
  return trimEnds(plain.replace(/[^a-z0-9._-]+/g, '-').replace(/-{2,}/g, '-'))
}

/** Names may not start with "." or "_"; a leading or trailing "-" only makes an awkward folder. */
function trimEnds(text: string): string {
  return text.replace(/^[-._]+/, '').replace(/[-._]+$/, '')
}
