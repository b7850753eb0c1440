/**
 * Motia ≥ 1.0.3's `Stream` class: a stream file may export `new Stream(config)` beside (or
 * instead of) its `config`, and steps import that object to read and write the stream:
 *
 * ```ts
 * // steps/todo.stream.ts
 * export const config = { name: 'todo', schema: z.object({ text: z.string() }) } satisfies StreamConfig
 * export const todo = new Stream(config)
 * // steps/add-todo.step.ts
 * import { todo } from './todo.stream'
 * await todo.set('inbox', id, { text })
 * ```
 *
 * Each call goes to the running step's `ctx.streams.<name>` (so it is traced in the step's span),
 * or, outside a run, to the project's streams: the object holds no data of its own.
 */
import { ConfigError, MotiaError } from '../errors.ts'
import type { UpdateOp } from '../adapters/state/types.ts'
import { enableModuleContext, streamHandle } from '../step/module-context.ts'
import type { StreamConfig, StreamData, StreamEvent, StreamHandle, StreamItemOf, StreamSetResult } from '../streams/types.ts'

/** A stream's handle, made from its config (Motia's `Stream`). */
export class Stream<C extends StreamConfig = StreamConfig> {
  constructor(readonly config: C) {
    if (typeof config !== 'object' || config === null || typeof config.name !== 'string') {
      throw new ConfigError(`[motia] new Stream(config) needs the stream's config, e.g. new Stream({ name: 'todo', schema: z.object({ text: z.string() }) })`)
    }
    // Calls made after an await inside a handler must still find their run.
    enableModuleContext()
  }

  get(groupId: string, id: string): Promise<StreamItemOf<StreamData<C>> | null> {
    return this.#handle().get(groupId, id)
  }

  set(groupId: string, id: string, data: StreamData<C>): Promise<StreamSetResult<StreamData<C>>> {
    return this.#handle().set(groupId, id, data)
  }

  update(groupId: string, id: string, ops: readonly UpdateOp[]): Promise<StreamSetResult<StreamData<C>>> {
    return this.#handle().update(groupId, id, ops)
  }

  delete(groupId: string, id: string): Promise<StreamItemOf<StreamData<C>> | null> {
    return this.#handle().delete(groupId, id)
  }

  list(groupId: string): Promise<Array<StreamItemOf<StreamData<C>>>> {
    return this.#handle().list(groupId)
  }

  getGroup(groupId: string): Promise<Array<StreamItemOf<StreamData<C>>>> {
    return this.#handle().getGroup(groupId)
  }

  listGroups(): Promise<string[]> {
    return this.#handle().listGroups()
  }

  send(channel: { groupId: string; id?: string }, event: StreamEvent): Promise<void> {
    return this.#handle().send(channel, event)
  }

  #handle(): StreamHandle<StreamData<C>> {
    const handle = streamHandle(this.config.name)
    if (!handle) {
      throw new MotiaError(
        `[motia] stream "${this.config.name}" is not defined in this project: export its config from a *.stream.ts file under steps/ or src/ (export const config = { name: '${this.config.name}', schema }; export const ${this.config.name} = new Stream(config))`,
        { code: 'UNKNOWN_STREAM' },
      )
    }
    return handle as StreamHandle<StreamData<C>>
  }
}

/** True for a `new Stream(config)` object (a stream file may export only that). */
export function isStreamObject(value: unknown): value is Stream {
  return value instanceof Stream
}
