/** Streams: not shown by the console yet (the streams module landed after this page was written). */
import { Empty } from '../format.tsx'

export function StreamsPage() {
  return (
    <Empty title="The console does not show streams yet">
      Stream groups and items are not browsable here yet: read them from a step with <code>ctx.streams</code>, or subscribe with the stream client (<code>motia/client</code>).
    </Empty>
  )
}
