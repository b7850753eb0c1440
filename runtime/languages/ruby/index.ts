/** Ruby steps: Motia's Ruby step shape (`def config` / `def handler(input, ctx)`), run by the system `ruby`. */
import { join } from 'node:path'
import type { LanguageDefinition } from '../types.ts'

export const ruby: LanguageDefinition = {
  name: 'ruby',
  label: 'Ruby',
  extensions: ['rb'],
  stepFile: /[._]step\.rb$/,
  streamFile: /[._]stream\.rb$/,
  command: ['ruby'],
  sdkDir: join(import.meta.dir, 'sdk'),
  worker: 'motia_worker.rb',
  sourceFile: /\.rb$/,
  // Bundler installs gems under vendor/bundle (`bundle config set path vendor/bundle`).
  ignoredDirs: ['vendor/bundle'],
  install: 'Ruby 3.1 or newer (apt-get install ruby, brew install ruby, or ruby-lang.org), or set MOTIA_RUBY to the interpreter',
}
