# A step's or stream's config as the runtime reads it: plain JSON with the runtime's camelCase
# keys (`body_schema:` or `'bodySchema'`, symbol or string keys alike), and each function the
# runtime must call back (a trigger's `condition`, a stream's hooks) replaced by
# `{"$function": name}`. Functions the worker runs itself (http `middleware`) stay here.
require_relative 'errors'
require_relative 'values'

module Motia
  module Wire
    # What the worker keeps of a loaded step besides its wire config.
    Kept = Struct.new(:conditions, :middleware, :legacy_type)

    # Fields whose values are JSON Schemas (or lists of them): their keys are the schema's own.
    SCHEMA_FIELDS = %w[input bodySchema responseSchema schema].freeze
    STREAM_HOOKS = %w[canAccess onJoin onLeave].freeze

    module_function

    # The JSON config of a step, and the functions it carries.
    def step(config, where)
      source = as_hash(config, where)
      kept = Kept.new({}, {}, nil)
      out = {}
      source.each do |key, value|
        name = Motia.camel(key.to_s)
        case name
        when 'triggers'
          raise config_error("#{where}: triggers must be a list such as [http('POST', '/orders')], got #{value.class}") unless value.is_a?(Array)

          out[name] = value.each_with_index.map { |trigger, i| trigger(trigger, i, kept, "#{where}: triggers[#{i}]") }
        when 'middleware'
          kept.middleware[0] = functions(value, "#{where}: middleware")
        else
          out[name] = field(name, value, "#{where}: #{key}")
        end
      end
      kept.legacy_type = out['type'] if out['type'].is_a?(String)
      [out, kept]
    end

    # The JSON config of a stream, and its hooks.
    def stream(config, where)
      source = as_hash(config, where)
      out = {}
      hooks = {}
      source.each do |key, value|
        name = Motia.camel(key.to_s)
        if STREAM_HOOKS.include?(name)
          next if value.nil?
          raise config_error("#{where}: #{key} must be a lambda, e.g. ->(subscription, auth_context) { true }") unless callable?(value)

          hooks[name] = value
          out[name] = { '$function' => name }
        else
          out[name] = field(name, value, "#{where}: #{key}")
        end
      end
      [out, hooks]
    end

    # --- internal ---

    def trigger(trigger, index, kept, where)
      trigger = trigger.to_h if !trigger.is_a?(Hash) && trigger.respond_to?(:to_h)
      raise config_error("#{where} must be a trigger such as queue('topic') or a hash, got #{trigger.class}") unless trigger.is_a?(Hash)

      trigger.each_with_object({}) do |(key, value), out|
        name = Motia.camel(key.to_s)
        if name == 'condition' && !value.nil?
          raise config_error("#{where}: condition must be a lambda ->(input, ctx) { true }") unless callable?(value)

          kept.conditions[index] = value
          out[name] = { '$function' => 'condition' }
        elsif name == 'middleware'
          kept.middleware[index] = functions(value, "#{where}: middleware")
        else
          out[name] = field(name, value, "#{where}: #{key}")
        end
      end
    end

    def field(name, value, where)
      if SCHEMA_FIELDS.include?(name) then plain(value, where, camel: false)
      elsif name == 'method' && (value.is_a?(Symbol) || value.is_a?(String)) then value.to_s.upcase
      else plain(value, where, camel: true)
      end
    end

    # A value as JSON; hash keys camelCased unless they belong to a schema.
    def plain(value, where, camel:)
      case value
      when Hash
        value.each_with_object({}) do |(k, v), out|
          key = k.to_s
          key = Motia.camel(key) if camel
          out[key] = plain(v, "#{where}.#{key}", camel: camel)
        end
      when Array then value.map { |v| plain(v, where, camel: camel) }
      when Proc, Method
        raise config_error("#{where} is a function: only a trigger's condition, http middleware and a stream's can_access/on_join/on_leave may be")
      else Motia.jsonable(value)
      end
    end

    def functions(value, where)
      list = Array(value)
      bad = list.reject { |fn| callable?(fn) }
      raise config_error("#{where} must be a list of lambdas ->(req, ctx, nxt) { nxt.call }, got #{bad.first.class}") unless bad.empty?

      list
    end

    def as_hash(config, where)
      return config if config.is_a?(Hash)
      return config.to_h if config.respond_to?(:to_h) && !config.nil?

      raise config_error("#{where}: config must be a hash such as { name: 'CreateOrder', triggers: [http('POST', '/orders')] }, got #{config.class}")
    end

    def callable?(value) = value.is_a?(Proc) || value.is_a?(Method)

    def config_error(message) = Motia::Error.new(message, code: 'CONFIG_ERROR')
  end
end
