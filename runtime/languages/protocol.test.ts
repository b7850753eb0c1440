import { expect, test } from 'bun:test'
import { createFrameReader, type WorkerFrame } from './protocol.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

function reader(maxBytes?: number) {
  const frames: WorkerFrame[] = []
  const problems: string[] = []
  const read = createFrameReader((frame) => frames.push(frame), (problem) => problems.push(problem), maxBytes)
  return { frames, problems, read }
}

test('frames split across chunks and several frames in one chunk are all read, in order', () => {
  const { frames, problems, read } = reader()
  const text = '{"type":"log","run":1,"level":"info","msg":"a"}\n{"type":"cancelled","run":2}\n{"type":"log","run":null,"level":"warn","msg":"é\\n"}\n'
  for (let i = 0; i < text.length; i += 7) read(bytes(text.slice(i, i + 7)))
  expect(frames.map((frame) => frame.type)).toEqual(['log', 'cancelled', 'log'])
  expect((frames[2] as { msg: string }).msg).toBe('é\n')
  expect(problems).toEqual([])
})

test('a multi-byte character split between chunks is decoded whole', () => {
  const { frames, read } = reader()
  const line = bytes('{"type":"log","run":null,"level":"info","msg":"🐍"}\n')
  const cut = line.indexOf(0xf0) + 2
  read(line.subarray(0, cut))
  read(line.subarray(cut))
  expect((frames[0] as { msg: string }).msg).toBe('🐍')
})

test('lines that are not JSON objects with a type are reported with an excerpt and skipped', () => {
  const { frames, problems, read } = reader()
  read(bytes('Traceback (most recent call last):\n[1,2]\n{"no":"type"}\n\n{"type":"cancelled","run":1}\n'))
  expect(frames).toEqual([{ type: 'cancelled', run: 1 }])
  expect(problems).toEqual([
    'a line that is not JSON: "Traceback (most recent call last):"',
    'a line that is not a frame (an object with a type): "[1,2]"',
    'a line that is not a frame (an object with a type): "{\\"no\\":\\"type\\"}"',
  ])
})

test('a line over the limit is dropped without being kept whole, and the frames after it are read', () => {
  const { frames, problems, read } = reader(100)
  read(bytes(`{"type":"log","msg":"${'x'.repeat(60)}`))
  read(bytes('x'.repeat(60)))
  read(bytes('x'.repeat(1000)))
  read(bytes('"}\n{"type":"cancelled","run":3}\n'))
  expect(problems).toEqual(['a frame over 100 bytes, dropped'])
  expect(frames).toEqual([{ type: 'cancelled', run: 3 }])
})

test('a long line inside one chunk is dropped too', () => {
  const { frames, problems, read } = reader(50)
  read(bytes(`${'y'.repeat(80)}\n{"type":"cancelled","run":4}\n`))
  expect(problems).toEqual(['a frame over 50 bytes, dropped'])
  expect(frames).toEqual([{ type: 'cancelled', run: 4 }])
})
