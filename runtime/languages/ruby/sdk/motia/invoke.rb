# Runs one `invoke`: turns the runtime's input into what a Ruby handler gets (an `ApiRequest` for
# http, the message data for a queue, nil for cron, the change for state and stream triggers),
# builds the `FlowContext` and calls the function with as many arguments as it takes.
require_relative 'context'
require_relative 'values'

module Motia
  module Invoke
    STREAM_HOOKS = %w[canAccess onJoin onLeave].freeze

    module_function

    def call(loader, frame, run)
      function = frame['function']
      file = frame['file']
      return stream_hook(loader, file, function, frame, run) if STREAM_HOOKS.include?(function)

      step = loader.steps[file] or raise Error.new("#{file} is not loaded in this worker: load it first", code: 'NOT_LOADED')
      info = frame['context'] || {}
      trigger = info['trigger'] || {}
      index = trigger['index'] || 0
      kind = trigger['type']
      input = input_for(kind, frame['input'])
      ctx = FlowContext.new(run, info, input)
      case function
      when 'condition'
        condition = step.kept.conditions[index] or raise Error.new("#{file}: trigger ##{index + 1} has no condition", code: 'NOT_FOUND')
        Motia.call_with(condition, [input, ctx]) ? true : false
      when 'handler'
        handle(step, kind, index, input, ctx)
      else
        raise Error.new("unknown function #{function.inspect}: expected handler, condition, canAccess, onJoin or onLeave", code: 'BAD_FRAME')
      end
    end

    # --- internal ---

    def handle(step, kind, index, input, ctx)
      return nil if step.handler.nil?
      # Motia 0.x cron handlers take only the context.
      return Motia.call_with(step.handler, [ctx]) if step.kept.legacy_type == 'cron'

      last = -> { Motia.call_with(step.handler, [input, ctx]) }
      return Motia.jsonable(last.call) unless kind == 'http'

      middleware = step.kept.middleware[step.kept.legacy_type.nil? ? index : 0] || []
      response(middleware.empty? ? last.call : through(middleware, input, ctx, last))
    end

    def input_for(kind, raw)
      case kind
      when 'http' then ApiRequest.new(raw)
      when 'cron' then nil
      else raw
      end
    end

    # Runs http middleware in order; each calls `nxt.call` to go on, or answers a response itself.
    def through(middleware, req, ctx, last)
      dispatch = lambda do |i|
        i == middleware.size ? last.call : Motia.call_with(middleware[i], [req, ctx, -> { dispatch.call(i + 1) }])
      end
      dispatch.call(0)
    end

    # An http result: an `ApiResponse`, or a hash with `status` (or `status_code`), `body`, `headers`.
    def response(result)
      result = result.to_h if result.is_a?(ApiResponse)
      out = Motia.jsonable(result)
      if out.is_a?(Hash) && out.key?('status_code') && !out.key?('status')
        out['status'] = out.delete('status_code')
      end
      out
    end

    def stream_hook(loader, file, function, frame, run)
      stream = loader.streams[file]
      hook = stream&.hooks&.[](function) or raise Error.new("#{file} has no #{function} hook", code: 'NOT_FOUND')
      raw = frame['input'] || {}
      subscription = raw['subscription'] || Record.new
      auth = raw['authContext']
      return Motia.call_with(hook, [subscription, auth]) ? true : false if function == 'canAccess'

      ctx = FlowContext.new(run, frame['context'] || {})
      result = Motia.call_with(hook, [subscription, ctx, auth])
      function == 'onJoin' ? Motia.jsonable(result) : nil
    end
  end
end
