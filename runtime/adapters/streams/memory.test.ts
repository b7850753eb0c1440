import { testStreamStore } from './contract.ts'
import { createMemoryStreams } from './memory.ts'

testStreamStore({ name: 'memory', create: () => createMemoryStreams() })
