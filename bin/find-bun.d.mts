/** Types for find-bun.mjs (plain JavaScript, so the launcher runs on Node with no build step). */
export interface FindBunOptions {
  /** Folders to resolve the `bun` package from, in order (the launcher's, then the project's). */
  from: string[]
  /** The PATH to search last; default process.env.PATH. */
  path?: string
  platform?: string
  arch?: string
}

/** The path of a Bun binary, or undefined when there is none. */
export function findBun(options: FindBunOptions): string | undefined

/** The @oven packages that may hold Bun's binary for a platform, most likely first. */
export function platformPackages(platform: string, arch: string): string[]
