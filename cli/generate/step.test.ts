import { describe, expect, test } from 'bun:test'
import { resolveStepSpec, type Asker } from './step.ts'

/** An asker that answers from a script and records the questions, checking each answer the way the prompt would. */
function scripted(answers: string[]): Asker & { asked: string[]; rejected: string[] } {
  const asked: string[] = []
  const rejected: string[] = []
  return {
    asked,
    rejected,
    async text({ message, initial, validate }) {
      asked.push(message)
      // like the terminal: an empty answer takes the suggestion; a rejected one is asked again
      const next = () => {
        const answer = answers.shift()
        if (answer === undefined) throw new Error(`no answer left for "${message}"`)
        return answer === '' && initial ? initial : answer
      }
      let answer = next()
      for (let problem = validate(answer); problem; problem = validate(answer)) {
        rejected.push(problem)
        answer = next()
      }
      return answer
    },
    async select({ message, options }) {
      asked.push(message)
      const answer = answers.shift()!
      expect(options.map((o) => o.value)).toContain(answer)
      return answer
    },
  }
}

describe('resolveStepSpec at a terminal', () => {
  test('asks for name, trigger, language and what the trigger needs', async () => {
    const ask = scripted(['send welcome', 'SendWelcome', 'queue', 'js', 'user-created'])
    expect(await resolveStepSpec({}, { ask, defaultLanguage: 'ts' })).toEqual({ name: 'SendWelcome', trigger: 'queue', language: 'js', topic: 'user-created' })
    expect(ask.asked).toEqual(['Step name (PascalCase)', 'Trigger', 'Language', 'Topic to subscribe to'])
    expect(ask.rejected).toEqual(['--name must be letters and digits, starting with a letter (e.g. SendWelcomeEmail), got "send welcome"'])
  })

  test('asks only for what the flags leave out, suggesting the defaults', async () => {
    const ask = scripted(['POST', ''])
    expect(await resolveStepSpec({ name: 'CreateUser', trigger: 'http', language: 'ts' }, { ask, defaultLanguage: 'js' })).toEqual({
      name: 'CreateUser',
      trigger: 'http',
      language: 'ts',
      method: 'POST',
      path: '/create-user',
    })
    expect(ask.asked).toEqual(['HTTP method', 'Route path'])
  })

  test('re-asks for a schedule croner rejects', async () => {
    const ask = scripted(['0 25 * * *', '0 2 * * *'])
    const spec = await resolveStepSpec({ name: 'Nightly', trigger: 'cron', language: 'ts' }, { ask, defaultLanguage: 'ts' })
    expect(spec.cron).toBe('0 2 * * *')
    expect(ask.rejected).toHaveLength(1)
  })
})

describe('resolveStepSpec without a terminal', () => {
  test('fills the defaults: the project language, GET, a path from the name', async () => {
    expect(await resolveStepSpec({ name: 'ListUsers', trigger: 'http' }, { defaultLanguage: 'ts' })).toEqual({
      name: 'ListUsers',
      trigger: 'http',
      language: 'ts',
      method: 'GET',
      path: '/list-users',
    })
  })

  test('names the flag that has no default', async () => {
    await expect(resolveStepSpec({ name: 'Nightly', trigger: 'cron' }, { defaultLanguage: 'ts' })).rejects.toThrow('[motia] missing --cron: a cron step needs a schedule, e.g. --cron "0 * * * *"')
  })
})
