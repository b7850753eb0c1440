/** Prints one line to stderr and exits 1: how every user mistake ends. */
export function fail(message: string): never {
  process.stderr.write(`${message.startsWith('[motia]') ? message : `[motia] ${message}`}\n`)
  process.exit(1)
}
