/**
 * The languages whose steps run out of process, one entry each. An entry is data only (file
 * patterns, the interpreter, where its SDK lives): importing this file loads and starts nothing,
 * so a project without such files pays nothing for them. Adding a language is an SDK speaking
 * docs/languages/protocol.md plus one entry here.
 */
import { python } from './python/index.ts'
import { ruby } from './ruby/index.ts'
import type { LanguageDefinition } from './types.ts'

export type { LanguageDefinition }

/** Every language with an out-of-process runner. */
export const languages: readonly LanguageDefinition[] = [python, ruby]

/** The language whose step files `path` matches, if any. */
export function stepLanguageOf(path: string): LanguageDefinition | undefined {
  return languages.find((language) => language.stepFile.test(path))
}

/** The language whose stream files `path` matches, if any. */
export function streamLanguageOf(path: string): LanguageDefinition | undefined {
  return languages.find((language) => language.streamFile.test(path))
}

/** Extensions the discovery scans for, besides TypeScript and JavaScript. */
export const languageExtensions: readonly string[] = languages.flatMap((language) => language.extensions)
