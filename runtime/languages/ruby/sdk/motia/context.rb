# `FlowContext`, the second argument of every handler, with the same members as in TypeScript and
# Python: enqueue/emit, state, streams, logger, trace_id/traceId, trigger, flows, attempt, match.
# Every call goes to the runtime and answers there, so a handler reads as plain blocking Ruby.
require_relative 'errors'
require_relative 'values'

module Motia
  LEVELS = %w[debug info warn error].freeze

  # One invocation: its id (the invoke request's id) and the connection its calls go over.
  class Run
    attr_reader :id, :connection
    attr_accessor :cancelled

    def initialize(id, connection, log_level = 0)
      @id = id
      @connection = connection
      @log_level = log_level
      @cancelled = false
    end

    def call(method, *args)
      raise RunEnded.new("the run was cancelled (it timed out or the runtime stopped): #{method} was not sent", code: 'RUN_ENDED') if @cancelled

      @connection.request({ 'type' => 'call', 'run' => @id, 'method' => method, 'args' => Motia.jsonable(args) })
    end

    def log(level, msg, fields = nil)
      level = level.to_s
      level = 'info' unless LEVELS.include?(level)
      return if LEVELS.index(level) < @log_level

      Motia.send_log(@connection, @id, level, msg, fields)
    end
  end

  # Sends a log frame; a line that cannot be sent is cut down to one that can.
  def self.send_log(connection, run_id, level, msg, fields)
    frame = { 'type' => 'log', 'run' => run_id, 'level' => level, 'msg' => msg.is_a?(String) ? msg : msg.to_s }
    frame['fields'] = Motia.jsonable(fields) unless fields.nil? || (fields.respond_to?(:empty?) && fields.empty?)
    begin
      connection.send_frame(frame)
    rescue ProtocolError, TypeError
      connection.send_frame(frame.merge('msg' => frame['msg'][0, 100_000], 'fields' => { 'dropped' => 'the fields were too large to send' }))
    end
  end

  # `ctx.logger.info('order received', id: 'o1')` or `(msg, { 'id' => 'o1' })`.
  class Logger
    def initialize(run)
      @run = run
    end

    LEVELS.each do |level|
      define_method(level) { |msg, fields = nil, **more| @run.log(level, msg, more.empty? ? fields : (fields || {}).merge(more)) }
    end
    alias warning warn
  end

  # `ctx.state`: `get`, `set`, `update` (atomic ops), `delete`, `list`/`get_group`, `entries`,
  # `list_groups`, `clear`.
  class StateManager
    def initialize(run)
      @run = run
    end

    def get(group, key) = @run.call('state.get', group, key)
    def set(group, key, value) = @run.call('state.set', group, key, value)
    def delete(group, key) = @run.call('state.delete', group, key)
    def list(group) = @run.call('state.list', group)
    def entries(group) = @run.call('state.entries', group)
    def list_groups = @run.call('state.listGroups')
    def clear(group) = @run.call('state.clear', group)

    # `ops`: `[{ type: 'increment', path: 'n', by: 1 }]` (`set`, `merge`, `increment`, `decrement`,
    # `remove`), or one op.
    def update(group, key, ops) = @run.call('state.update', group, key, Motia.ops(ops))

    alias get_group list
    alias getGroup list
    alias listGroups list_groups
  end

  # `ctx.streams.todo` (or `ctx.streams[:todo]`): one stream's items and events.
  class Streams
    def initialize(run)
      @run = run
      @handles = {}
    end

    def [](name) = (@handles[name.to_s] ||= StreamHandle.new(@run, name.to_s))

    def method_missing(name, *args)
      args.empty? && !name.end_with?('=', '?', '!') ? self[name] : super
    end

    def respond_to_missing?(name, include_private = false) = !name.end_with?('=', '?', '!') || super
  end

  class StreamHandle
    attr_reader :name

    def initialize(run, name)
      @run = run
      @name = name
    end

    def get(group_id, id) = call('get', group_id, id)
    # Answers `{ 'new_value' => ..., 'old_value' => ... }`.
    def set(group_id, id, data) = call('set', group_id, id, data)
    def update(group_id, id, ops) = call('update', group_id, id, Motia.ops(ops))
    def delete(group_id, id) = call('delete', group_id, id)
    def get_group(group_id) = call('getGroup', group_id)
    def list_groups = call('listGroups')

    # An ephemeral event to the subscribers of a group (or of one item): `send({ group_id: 'g' }, { type: 't', data: {} })`.
    def send(channel, event) = call('send', Motia.camel_keys(channel), event)

    alias list get_group
    alias getGroup get_group
    alias listGroups list_groups

    private

    def call(op, *args) = @run.call("streams.#{op}", @name, *args)
  end

  class FlowContext
    attr_reader :input

    def initialize(run, info, input = nil)
      @run = run
      @info = info || {}
      @input = input
    end

    def trace_id = @info['traceId'] || ''
    def step = @info['step'] || ''
    def flows = @info['flows'] || []
    def attempt = @info['attempt'] || 1
    # The trigger that fired: `ctx.trigger.type`, `.path`, `.topic`, ...
    def trigger = (@trigger ||= @info['trigger'] || Record.new)
    def state = (@state ||= StateManager.new(@run))
    def logger = (@logger ||= Logger.new(@run))
    def streams = (@streams ||= Streams.new(@run))
    alias traceId trace_id

    # `ctx.enqueue(topic: 'order.created', data: {...})`; `message_group_id`, `delay_ms`, `id` too.
    def enqueue(message = nil, **fields)
      message = (message || {}).merge(fields)
      raise ArgumentError, "enqueue takes a message such as { topic: 'order.created', data: {...} }" if message.empty?

      @run.call('enqueue', Motia.camel_keys(message))
      nil
    end
    alias emit enqueue

    def http? = fired == 'http'
    def queue? = fired == 'queue'
    def cron? = fired == 'cron'
    def state? = fired == 'state'
    def stream? = fired == 'stream'
    alias api? http?

    # The http body, the queue data, the state or stream change; nil for cron.
    def get_data
      return nil if cron?

      @input.is_a?(ApiRequest) ? @input.body : @input
    end
    alias getData get_data

    # Calls the handler of the trigger that fired: `ctx.match(http: ->(req) { ... }, queue: ->(data) { ... }, default: ->(input) { ... })`.
    def match(handlers = nil, **more)
      handlers = (handlers || {}).merge(more).transform_keys(&:to_s)
      kind = fired
      handler = handlers[kind] || (kind == 'http' ? handlers['api'] : nil)
      return Motia.call_with(handler, kind == 'cron' ? [] : [@input]) if handler
      return Motia.call_with(handlers['default'], [@input]) if handlers['default']

      given = handlers.empty? ? 'none' : handlers.keys.join(', ')
      raise Error.new("ctx.match has no #{kind.inspect} handler and no default (given: #{given})", code: 'NO_MATCH')
    end

    private

    def fired = trigger['type'] || ''
  end

  # Update ops as the runtime reads them: an array of hashes with camelCase keys.
  def self.ops(ops)
    list = ops.is_a?(Hash) ? [ops] : Array(ops)
    list.map { |op| op.is_a?(Hash) ? camel_keys(op) : op }
  end

  def self.camel_keys(hash)
    return hash unless hash.is_a?(Hash)

    hash.each_with_object({}) { |(k, v), out| out[camel(k.to_s)] = v }
  end

  # Calls `fn` (a lambda, proc or method) with as many of `args` as it takes.
  def self.call_with(fn, args)
    params = fn.parameters
    # A plain proc takes any count (extra arguments dropped); so does a `*rest` signature.
    return fn.call(*args) if (fn.respond_to?(:lambda?) && !fn.lambda?) || params.any? { |type, _| type == :rest }

    fn.call(*args.first(params.count { |type, _| type == :req || type == :opt }))
  end
end
