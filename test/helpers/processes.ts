/** The processes a test started, read from `ps`: what is below a pid, and whether one still runs. */

/** The processes below `root`, from `ps`. */
export function descendants(root: number): Array<{ pid: number; ppid: number; args: string }> {
  const rows = Bun.spawnSync(['ps', '-e', '-o', 'pid=,ppid=,args=']).stdout.toString().trim().split('\n')
  const all = rows.map((row) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(row)).filter((m) => m !== null).map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }))
  const found: typeof all = []
  const walk = (parent: number) => {
    for (const proc of all.filter((p) => p.ppid === parent)) {
      found.push(proc)
      walk(proc.pid)
    }
  }
  walk(root)
  return found
}

/** True while `pid` runs; a zombie (ended, not yet reaped) holds no port and runs no code, so it is not. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const state = Bun.spawnSync(['ps', '-o', 'stat=', '-p', String(pid)]).stdout.toString().trim()
  return state !== '' && !state.startsWith('Z')
}
