# `$stdout` and `$stderr` of the worker: what a step prints becomes log lines of its run (`puts`
# at info, `$stderr`/`warn` at error), line by line; output outside any run is the worker's own.
require 'stringio'
require_relative 'context'

module Motia
  class LineWriter
    def initialize(connection, level)
      @connection = connection
      @level = level
      @partial = {}
      @lock = Mutex.new
    end

    def write(*parts)
      text = parts.join
      run = Thread.current[:motia_run]
      key = run&.id
      lines = @lock.synchronize do
        buffered = (@partial.delete(key) || +'') << text
        complete = buffered.split("\n", -1)
        rest = complete.pop
        @partial[key] = rest unless rest.empty?
        complete
      end
      lines.each { |line| emit(key, line) }
      text.bytesize
    end

    def puts(*args) = write(format { |io| io.puts(*args) })
    def print(*args) = write(format { |io| io.print(*args) })
    def printf(*args) = write(format { |io| io.printf(*args) })
    def <<(value) = tap { write(value.to_s) }
    def flush = self
    def sync = true
    def sync=(_value); end
    def fsync = 0
    def tty? = false
    alias isatty tty?

    # A run ended: what it printed without a final newline is logged now.
    def flush_run(run_id)
      rest = @lock.synchronize { @partial.delete(run_id) }
      emit(run_id, rest) if rest
    end

    private

    def format
      io = StringIO.new
      yield io
      io.string
    end

    def emit(run_id, line)
      return if line.strip.empty?

      Motia.send_log(@connection, run_id, @level, line, nil)
    rescue StandardError
      nil
    end
  end
end
