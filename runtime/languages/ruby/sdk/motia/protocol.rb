# The worker's end of the worker protocol (docs/languages/protocol.md): frames are JSON objects,
# one per line, read from stdin and written to the descriptor that was stdout when the worker
# started (fd 1 now points at stderr, so nothing a step prints can break a frame).
#
# Any thread may send: a frame is queued and written whole, with interrupts deferred, so a run
# killed by a cancel never leaves half a frame on the pipe. Requests the worker sends (`call`)
# block their thread until the reader thread hands over the matching `result`.
require 'json'
require_relative 'errors'
require_relative 'values'

module Motia
  PROTOCOL_VERSION = 1
  DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024

  # A frame could not be sent (too large for the protocol, or not encodable as JSON).
  class ProtocolError < StandardError; end

  class Connection
    attr_accessor :max_frame_bytes

    def initialize(input, output)
      @input = input
      @output = output
      @write_lock = Mutex.new
      @outbox = []
      @writing = false
      @pending = {}
      @pending_lock = Mutex.new
      @next_id = 0
      @max_frame_bytes = DEFAULT_MAX_FRAME_BYTES
    end

    # Sends one frame; raises ProtocolError when it cannot be sent.
    def send_frame(frame)
      line = encode(frame)
      if line.bytesize > @max_frame_bytes
        raise ProtocolError, "a #{frame['type']} frame of #{line.bytesize} bytes is over the protocol's limit of #{@max_frame_bytes} bytes"
      end

      Thread.handle_interrupt(Object => :never) do
        leader = @write_lock.synchronize do
          @outbox << line
          @writing ? false : (@writing = true)
        end
        drain if leader
      end
    end

    # Sends a request and waits for its result's value; a refused call raises `Motia::Error`.
    def request(frame)
      waiter = Thread::Queue.new
      id = nil
      Thread.handle_interrupt(Object => :never) do
        id = @pending_lock.synchronize { @pending[@next_id += 1] = waiter; @next_id }
      end
      begin
        send_frame(frame.merge('id' => id))
        ok, value = waiter.pop
      ensure
        @pending_lock.synchronize { @pending.delete(id) }
      end
      raise Motia::Error.from_frame(value) unless ok

      value
    end

    # Reads frames until stdin ends; results of the worker's requests are settled here, every other
    # frame is yielded.
    def each_frame
      while (line = @input.gets)
        frame = decode(line)
        next unless frame

        if frame['type'] == 'result' && frame['id'].is_a?(Integer)
          waiter = @pending_lock.synchronize { @pending.delete(frame['id']) }
          waiter&.push([frame['ok'] == true, frame['ok'] == true ? frame['value'] : frame['error']])
        else
          yield frame
        end
      end
    end

    # --- internal ---

    private

    # Writes the outbox until it is empty. Only one thread writes at a time; frames other threads
    # send meanwhile (a write lets them run) go out together in its next write, so a burst of
    # results costs one system call (and one wake-up of the runtime), not one each.
    def drain
      loop do
        chunk = @write_lock.synchronize do
          if @outbox.empty?
            @writing = false
            nil
          else
            @outbox.join.tap { @outbox.clear }
          end
        end
        return unless chunk

        @output.write(chunk)
      end
    rescue StandardError
      @write_lock.synchronize do
        @writing = false
        @outbox.clear
      end
      raise
    end

    def encode(frame)
      "#{JSON.generate(frame)}\n"
    rescue JSON::GeneratorError, Encoding::UndefinedConversionError, TypeError, ArgumentError, SystemStackError
      # NaN, a symbol key, an object, invalid UTF-8: sent as plain JSON would carry it.
      "#{JSON.generate(Motia.jsonable(frame))}\n"
    end

    def decode(line)
      line = line.chomp
      return nil if line.empty?

      frame = JSON.parse(line, object_class: Record, max_nesting: false)
      return frame if frame.is_a?(Hash)

      STDERR.write("motia worker: ignored a frame that is not an object: #{line[0, 200].inspect}\n")
      nil
    rescue JSON::ParserError, EncodingError
      STDERR.write("motia worker: ignored a line that is not JSON: #{line[0, 200].inspect}\n")
      nil
    end
  end
end
