/**
 * A budget of work per turn of the event loop, shared by every stream connection. Bun hands a
 * socket's frames to JavaScript as fast as they arrive — a client that sends thirty thousand frames
 * at once gets them all handled in one turn, and every HTTP request waits for that turn to end. So
 * frames and snapshot reads each take a unit of the budget; when a turn's budget is spent, the rest
 * waits for the next turn, in arrival order, and HTTP requests are served in between.
 */

export interface Turns {
  /** Takes a unit of this turn's budget; false when it is spent. */
  take(): boolean
  /** Calls `run` in a later turn, after everything queued before it, with a unit taken for it. */
  later(run: () => void): void
  /** Resolves at once with a unit of this turn, or in a later turn. */
  turn(): Promise<void>
}

export function createTurns(perTurn: number): Turns {
  let budget = perTurn
  let scheduled = false
  // A queue with a moving head: shift() on a long array is O(n) per call.
  let queue: Array<() => void> = []
  let head = 0

  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(tick)
  }
  const tick = () => {
    scheduled = false
    budget = perTurn
    while (budget > 0 && head < queue.length) {
      budget--
      const run = queue[head]!
      queue[head++] = undefined as never
      run()
    }
    if (head === queue.length) (queue = []), (head = 0)
    else if (head > 1024 && head * 2 > queue.length) (queue = queue.slice(head)), (head = 0)
    // A spent budget is renewed next turn even with nothing queued, so `take` works again.
    if (head < queue.length || budget < perTurn) schedule()
  }

  const take = () => {
    if (budget === 0 || head < queue.length) return false
    budget--
    schedule()
    return true
  }
  const later = (run: () => void) => {
    queue.push(run)
    schedule()
  }
  return {
    take,
    later,
    turn: () => (take() ? Promise.resolve() : new Promise<void>((resolve) => later(resolve))),
  }
}
