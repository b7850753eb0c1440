/** Python steps: Motia's Python API (`from motia import ...`), run by the system `python3`. */
import { join } from 'node:path'
import type { LanguageDefinition } from '../types.ts'

export const python: LanguageDefinition = {
  name: 'python',
  label: 'Python',
  extensions: ['py'],
  stepFile: /[._]step\.py$/,
  streamFile: /[._]stream\.py$/,
  command: ['python3'],
  sdkDir: join(import.meta.dir, 'sdk'),
  worker: 'motia_worker.py',
  sourceFile: /\.py$/,
  install: 'Python 3.10 or newer (apt-get install python3, brew install python, or python.org), or set MOTIA_PYTHON to the interpreter',
  ignoredDirs: ['__pycache__', '.venv', 'venv'],
  env: { PYTHONUNBUFFERED: '1' },
}
