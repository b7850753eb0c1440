# Errors a step raises or receives. `NonRetriableError` makes a queue message skip its retries;
# `Motia::Error` is what a context call the runtime refused raises (its `code`, `status` and
# `issues` come back to the runtime unchanged when the step does not rescue it).
module Motia
  VERSION = '0.1.0'

  class Error < StandardError
    attr_reader :code, :status, :issues

    def initialize(message = nil, code: 'MOTIA_ERROR', status: nil, issues: nil)
      super(message)
      @code = code
      @status = status
      @issues = issues
    end

    # The error of a refused call, from a `result` frame's `error`.
    def self.from_frame(error)
      error = {} unless error.is_a?(Hash)
      klass = error['code'] == 'VALIDATION_ERROR' ? ValidationError : Error
      klass.new(error['message'] || 'the runtime refused the call', code: error['code'] || 'MOTIA_ERROR', status: error['status'], issues: error['issues'])
    end
  end

  # Data refused by a schema (a subscriber's input, a stream's schema).
  class ValidationError < Error; end

  # Raise it to fail a queue message for good: no retry, straight to the dead-letter queue.
  class NonRetriableError < StandardError; end

  # Raised inside a run the runtime has already ended (timed out, cancelled).
  class RunEnded < Error; end
end
