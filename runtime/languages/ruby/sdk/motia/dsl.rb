# What a step file sees without requiring anything: trigger helpers (`http`, `queue`, `cron`,
# `state`, `stream`) that build the trigger hashes Motia's configs hold, and the names
# `ApiResponse`, `ApiRequest`, `NonRetriableError`, `MotiaError`. Each step file runs in a module
# of its own that includes this one, so two files' `config` and `handler` never collide.
require_relative 'errors'
require_relative 'values'

module Motia
  module DSL
    ApiResponse = Motia::ApiResponse
    ApiRequest = Motia::ApiRequest
    NonRetriableError = Motia::NonRetriableError
    MotiaError = Motia::Error

    # `http('POST', '/orders', body_schema: {...}, response_schema: { 201 => {...} }, middleware: [...])`
    def http(method, path, body_schema: nil, response_schema: nil, query_params: nil, middleware: nil, condition: nil)
      trigger = { 'type' => 'http', 'method' => method.to_s.upcase, 'path' => path }
      trigger['bodySchema'] = body_schema if body_schema
      trigger['responseSchema'] = response_schema if response_schema
      trigger['queryParams'] = query_params if query_params
      trigger['middleware'] = middleware if middleware
      trigger['condition'] = condition if condition
      trigger
    end
    alias api http

    # `queue('order.created', input: {...}, config: { max_retries: 3 })`
    def queue(topic, input: nil, config: nil, condition: nil)
      trigger = { 'type' => 'queue', 'topic' => topic }
      trigger['input'] = input if input
      trigger['config'] = config if config
      trigger['condition'] = condition if condition
      trigger
    end

    # `cron('0 * * * *')`
    def cron(expression, condition: nil, timeout_ms: nil)
      trigger = { 'type' => 'cron', 'expression' => expression }
      trigger['condition'] = condition if condition
      trigger['timeoutMs'] = timeout_ms if timeout_ms
      trigger
    end

    # `state(condition: ->(change, ctx) { change.group == 'orders' })`
    def state(condition: nil)
      condition ? { 'type' => 'state', 'condition' => condition } : { 'type' => 'state' }
    end

    # `stream('todo', group_id: 'inbox')`
    def stream(stream_name, group_id: nil, item_id: nil, condition: nil)
      trigger = { 'type' => 'stream', 'streamName' => stream_name }
      trigger['groupId'] = group_id if group_id
      trigger['itemId'] = item_id if item_id
      trigger['condition'] = condition if condition
      trigger
    end
  end
end
