/** Streams: shown once the streams module is part of this build. */
import { Empty } from '../format.tsx'

export function StreamsPage() {
  return (
    <Empty title="Streams are not in this build yet">
      This page lists stream groups and their items live once the streams module lands; until then, keep shared data in state (see the State page).
    </Empty>
  )
}
