# The values that cross the protocol: JSON objects arrive as `Record`s (a Hash that also answers
# symbol keys and method calls, as Motia's Ruby runner's OpenStruct inputs did), http requests as
# `ApiRequest`, and whatever a step hands back is turned into plain JSON by `Motia.jsonable`.
require 'time'

module Motia
  # A JSON object: `data['id']`, `data[:id]` and `data.id` all read the same key; a snake_case
  # method reads its camelCase key too (`change.old_value` is `change['oldValue']`). Keys that are
  # also Hash methods (`count`, `size`, `values`) answer the method: read those with `[]`.
  class Record < Hash
    def [](key)
      super(key.is_a?(Symbol) ? key.name : key)
    end

    def fetch(key, *default, &block)
      super(key.is_a?(Symbol) ? key.name : key, *default, &block)
    end

    def key?(key)
      super(key.is_a?(Symbol) ? key.name : key)
    end
    alias has_key? key?
    alias include? key?
    alias member? key?

    # `change.key` reads the key `key` (a state change's); `hash.key(value)` stays Hash#key.
    def key(*args)
      args.empty? ? self['key'] : super
    end

    def dig(key, *rest)
      value = self[key]
      rest.empty? || value.nil? ? value : value.dig(*rest)
    end

    def method_missing(name, *args)
      key = name.name
      return super unless args.empty? && !key.end_with?('=', '?', '!')
      return self[key] if key?(key)

      camel = Motia.camel(key)
      key?(camel) ? self[camel] : nil
    end

    def respond_to_missing?(name, include_private = false)
      key?(name.name) || key?(Motia.camel(name.name)) || super
    end
  end

  # An http request as a handler gets it: `req.body`, `req.path_params` (`pathParams`),
  # `req.query_params` (`queryParams`), `req.headers`, `req.method`, `req.path`; `req[:body]` and
  # `req['body']` read it as the dict Motia 0.x handlers took.
  class ApiRequest
    attr_reader :body, :headers, :path_params, :query_params, :method, :path
    alias pathParams path_params
    alias queryParams query_params

    def initialize(raw)
      raw ||= {}
      @body = raw['body']
      @headers = raw['headers'] || Record.new
      @path_params = raw['pathParams'] || Record.new
      @query_params = raw['queryParams'] || Record.new
      @method = raw['method'] || ''
      @path = raw['path'] || ''
    end

    def [](key)
      name = Motia.camel(key.to_s)
      to_h[name]
    end
    alias get []

    def to_h
      { 'body' => @body, 'headers' => @headers, 'pathParams' => @path_params, 'queryParams' => @query_params, 'method' => @method, 'path' => @path }
    end
  end

  # An http response: `ApiResponse.new(status: 201, body: {...}, headers: {...})` or positional.
  class ApiResponse
    attr_reader :status, :body, :headers

    def initialize(status_ = nil, body_ = nil, headers_ = nil, status: nil, body: nil, headers: nil)
      @status = status || status_ || 200
      @body = body.nil? ? body_ : body
      @headers = headers || headers_
    end

    def to_h
      out = { 'status' => @status }
      out['body'] = @body unless @body.nil?
      out['headers'] = @headers if @headers
      out
    end
  end

  # `max_retries` → `maxRetries`; a key already in camelCase stays as it is.
  def self.camel(key)
    return key unless key.include?('_')

    head, *rest = key.split('_')
    rest.empty? ? key : head + rest.map(&:capitalize).join
  end

  # Deeper than this is taken for a value that contains itself (a run's thread has a small stack).
  MAX_DEPTH = 200

  # A value as plain JSON: symbol keys and values as strings, objects through `to_h`, times as
  # ISO 8601, NaN and infinities as null, invalid UTF-8 replaced.
  def self.jsonable(value, depth = 0)
    raise TypeError, "a value nested over #{MAX_DEPTH} levels (or one that contains itself) cannot be sent as JSON" if depth > MAX_DEPTH

    case value
    when nil, true, false, Integer then value
    when Float then value.finite? ? value : nil
    when String then value.valid_encoding? ? value : value.scrub
    when Symbol then value.name
    when Hash then value.each_with_object({}) { |(k, v), out| out[k.is_a?(String) ? k : k.to_s] = jsonable(v, depth + 1) }
    when Array then value.map { |v| jsonable(v, depth + 1) }
    when Time then value.iso8601(3)
    when Struct then jsonable(value.to_h, depth + 1)
    else
      if value.respond_to?(:to_h) then jsonable(value.to_h, depth + 1)
      elsif value.respond_to?(:to_a) && !value.is_a?(Range) then jsonable(value.to_a, depth + 1)
      elsif value.is_a?(Numeric) then value.to_f.finite? ? value.to_f : nil
      else value.to_s
      end
    end
  end
end
