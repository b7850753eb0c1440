/** Debian's Chromium, headless, driven by playwright-core: the one way the tests start a browser. */
import { chromium, type Browser } from 'playwright-core'
import { requireBinary } from './prerequisites.ts'

/** Launches Chromium (with `args` added); a missing binary is the prerequisites' one line (`MissingPrerequisiteError`). */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: requireBinary('chromium'), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...args] })
}
