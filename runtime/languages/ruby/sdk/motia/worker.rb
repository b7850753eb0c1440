# The worker process: one per project, started by the runtime, serving every Ruby step over the
# worker protocol (docs/languages/protocol.md) until its stdin closes or it is told to shut down.
#
# The main thread reads frames. Each `invoke` runs on a thread of the pool (up to
# MOTIA_RUBY_THREADS, 100 by default, at once), so a handler that blocks (sleeps, waits on a
# socket, makes a context call) never holds up the others; a `cancel` kills the run's thread,
# which Ruby can do at any point, so a hung handler is really stopped.
require_relative 'protocol'
require_relative 'context'
require_relative 'capture'
require_relative 'loader'
require_relative 'invoke'
require_relative 'pool'

module Motia
  class Worker
    def initialize
      @loader = Loader.new
      @runs = {}
      @runs_lock = Mutex.new
      @log_level = 1
      @pool = Pool.new(Integer(ENV.fetch('MOTIA_RUBY_THREADS', '100'), exception: false)&.then { |n| n.positive? ? n : nil } || 100)
    end

    def serve
      # The protocol keeps the descriptor that was stdout; fd 1 now points at stderr, so nothing a
      # step (or a C extension, or a child process) writes to stdout can break a frame.
      frames_out = STDOUT.dup
      frames_out.binmode
      frames_out.sync = true
      STDOUT.reopen(STDERR)
      STDIN.binmode
      STDIN.set_encoding(Encoding::UTF_8)
      @connection = Connection.new(STDIN, frames_out)
      @stdout = $stdout = LineWriter.new(@connection, 'info')
      @stderr = $stderr = LineWriter.new(@connection, 'error')
      Thread.report_on_exception = false
      @connection.send_frame({ 'type' => 'hello', 'protocol' => PROTOCOL_VERSION, 'language' => 'ruby', 'languageVersion' => RUBY_VERSION, 'sdk' => VERSION, 'pid' => Process.pid })
      catch(:shutdown) { @connection.each_frame { |frame| on_frame(frame) } }
    rescue Interrupt
      nil
    ensure
      exit!(0)
    end

    private

    def on_frame(frame)
      kind = frame['type']
      id = frame['id']
      case kind
      when 'invoke' then id.is_a?(Integer) ? invoke(frame) : ignored(kind)
      when 'load' then id.is_a?(Integer) ? load(frame) : ignored(kind)
      when 'cancel' then cancel(frame['run'])
      when 'reset' then id.is_a?(Integer) ? reply(id, { 'forgotten' => @loader.reset }) : ignored(kind)
      when 'welcome' then welcome(frame)
      when 'shutdown' then throw(:shutdown)
      else STDERR.write("motia worker: ignored a #{kind.inspect} frame it does not know\n")
      end
    end

    def ignored(kind)
      STDERR.write("motia worker: ignored a #{kind.inspect} frame without a numeric id\n")
    end

    def welcome(frame)
      @connection.max_frame_bytes = frame['maxFrameBytes'] if frame['maxFrameBytes'].is_a?(Integer)
      @log_level = LEVELS.index(frame['logLevel']) || 1
      return unless frame['root'].is_a?(String)

      @loader.root = frame['root']
      Dir.chdir(frame['cwd'] || frame['root'])
    end

    def load(frame)
      file = frame['file']
      value = begin
        raise Error.new('a load frame names its file', code: 'BAD_FRAME') unless file.is_a?(String)

        frame['kind'] == 'stream' ? @loader.load_stream(file) : @loader.load_step(file)
      rescue Exception => e # rubocop:disable Lint/RescueException -- a broken file (even one calling exit) is an answer, not a crash
        return answer_error(frame['id'], @loader.describe_failure(e))
      end
      reply(frame['id'], value)
    end

    def invoke(frame)
      run = Run.new(frame['id'], @connection, @log_level)
      @runs_lock.synchronize { @runs[run.id] = [nil, run] }
      @pool.post { execute(frame, run) }
    end

    def execute(frame, run)
      # A run cancelled while it waited for a thread never starts.
      started = @runs_lock.synchronize { @runs[run.id] && (@runs[run.id] = [Thread.current, run]) }
      return unless started

      Thread.current[:motia_run] = run
      value = begin
        Invoke.call(@loader, frame, run)
      rescue Exception => e # rubocop:disable Lint/RescueException -- every failure is the run's error
        finish(run)
        return answer_error(run.id, Motia.describe_error(e))
      end
      finish(run)
      begin
        reply(run.id, value)
      rescue ProtocolError, JSON::GeneratorError, TypeError => e
        answer_error(run.id, { 'name' => 'TypeError', 'message' => "the result could not be sent to the runtime: #{e.message}", 'traceback' => '' })
      end
    end

    def finish(run)
      Thread.current[:motia_run] = nil
      @runs_lock.synchronize { @runs.delete(run.id) }
      @stdout.flush_run(run.id)
      @stderr.flush_run(run.id)
    end

    def cancel(run_id)
      thread, run = @runs_lock.synchronize { @runs.delete(run_id) }
      run&.cancelled = true
      thread&.kill
      # What it printed without a final newline is logged, not kept.
      [@stdout, @stderr].each { |writer| writer.flush_run(run_id) } if run
      @connection.send_frame({ 'type' => 'cancelled', 'run' => run_id })
    end

    def reply(id, value)
      @connection.send_frame({ 'type' => 'result', 'id' => id, 'ok' => true, 'value' => value })
    end

    def answer_error(id, error)
      @connection.send_frame({ 'type' => 'result', 'id' => id, 'ok' => false, 'error' => error })
    end
  end

  # The error frame of a failed run: its message, its Ruby backtrace, and what the runtime needs
  # to treat it as TypeScript errors are treated (`nonRetriable`, `code`, `status`, `issues`).
  def self.describe_error(error)
    out = { 'name' => error.class.name.to_s.split('::').last, 'message' => error.message.to_s.empty? ? error.class.name : error.message.to_s, 'traceback' => backtrace_text(error) }
    if error.class.name.to_s.end_with?('NonRetriableError')
      out['name'] = 'NonRetriableError'
      out['nonRetriable'] = true
    end
    if error.is_a?(Motia::Error)
      out['code'] = error.code
      out['status'] = error.status unless error.status.nil?
      out['issues'] = error.issues unless error.issues.nil?
    end
    out
  end
end
