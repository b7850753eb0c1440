import { testStateAdapter } from './contract.ts'
import { createMemoryState } from './memory.ts'

testStateAdapter({ name: 'memory', create: () => createMemoryState() })
