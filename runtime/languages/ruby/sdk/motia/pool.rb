# The threads runs execute on. A thread per run costs its creation every time and lets a flood of
# invokes start thousands of threads that fight over the interpreter lock; the pool keeps up to
# `max` threads, reuses idle ones, and queues runs beyond that (as Python's thread pool does for
# plain `def` handlers). A run's thread may be killed (a cancel): the pool replaces it on demand.
#
# Every job is promised, when it is posted, to exactly one thread: an idle one, a new one, or
# (at `max`) the next one that finishes its job. So a job never waits behind a busy thread while
# the pool could have started another.
module Motia
  class Pool
    def initialize(max)
      @max = max
      @jobs = Thread::Queue.new
      @lock = Mutex.new
      @threads = 0
      @idle = 0
      @backlog = 0
    end

    def post(&job)
      grow = @lock.synchronize do
        if @idle.positive?
          @idle -= 1
          false
        elsif @threads < @max
          @threads += 1
          true
        else
          @backlog += 1
          false
        end
      end
      @jobs << job
      spawn if grow
    end

    private

    def spawn = Thread.new { work }

    # Interrupts (a cancel's kill) are deferred outside the job itself, so the counts stay true
    # whenever a thread ends.
    def work
      Thread.handle_interrupt(Object => :never) do
        loop do
          job = @jobs.pop
          Thread.handle_interrupt(Object => :immediate) { job.call }
          @lock.synchronize { @backlog.positive? ? @backlog -= 1 : @idle += 1 }
        end
      end
    ensure
      # Only a thread killed in its job gets here: a job promised to "the next to finish" is
      # handed to a new thread instead.
      replace = @lock.synchronize do
        @threads -= 1
        next false unless @backlog.positive?

        @backlog -= 1
        @threads += 1
        true
      end
      spawn if replace
    end
  end
end
