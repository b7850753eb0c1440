import { testWorkflowStore } from './contract.ts'
import { createSqliteWorkflowStore } from './sqlite.ts'

testWorkflowStore({ name: 'sqlite', create: () => createSqliteWorkflowStore({ path: ':memory:' }) })
