/** The rules npm applies to package names, so `create` refuses a name npm would reject. */
import { builtinModules } from 'node:module'

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
  if (!/^(?:@[a-z0-9-*~][a-z0-9-*._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name)) return 'it may only contain lowercase letters, digits, "-", ".", "_" and "~" (and one @scope/)'
  return undefined
}

/** `my-app` from `my-app` or `@acme/my-app`: the folder a name gets. */
export function folderOf(name: string): string {
  return name.replace(/^@[^/]+\//, '')
}
