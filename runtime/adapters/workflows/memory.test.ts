import { testWorkflowStore } from './contract.ts'
import { createMemoryWorkflowStore } from './memory.ts'

testWorkflowStore({ name: 'memory', create: () => createMemoryWorkflowStore() })
