# Loads step and stream files and keeps what the worker needs to run them.
#
# Each file is evaluated in a module of its own (which includes `Motia::DSL`), so its top-level
# `def config`, `def handler`, helper methods and classes stay its own: two step files both
# defining `handler` never collide, and loading a file again replaces only that file. Files a
# step pulls in with `require_relative` (or `require`, the project root is on the load path) load
# as Ruby loads them; `reset` forgets them so edited ones load afresh.
require_relative 'errors'
require_relative 'dsl'
require_relative 'wire'

module Motia
  LoadedStep = Struct.new(:file, :config, :handler, :kept)
  LoadedStream = Struct.new(:file, :config, :hooks)

  class Loader
    SDK_DIR = File.expand_path('..', __dir__) + File::SEPARATOR

    attr_reader :root, :steps, :streams

    def initialize
      @root = Dir.pwd
      @steps = {}
      @streams = {}
    end

    def root=(root)
      @root = File.expand_path(root)
      ReloadWarnings.root = @root + File::SEPARATOR
      $LOAD_PATH.unshift(@root) unless $LOAD_PATH.include?(@root)
    end

    def load_step(file)
      where = relative(file)
      holder = evaluate(file)
      config, handler = exports(holder, where)
      wire, kept = Wire.step(config, where)
      if handler.nil? && wire['type'] != 'noop'
        raise Error.new("#{where} defines config but no handler: add `def handler(input, ctx) ... end`", code: 'CONFIG_ERROR')
      end

      @steps[file] = LoadedStep.new(file, wire, handler, kept)
      { 'config' => wire }
    end

    def load_stream(file)
      where = relative(file)
      holder = evaluate(file)
      config = holder.respond_to?(:config) ? holder.config : constant(holder, :CONFIG)
      raise Error.new("#{where}: a stream file defines config, e.g. def config = { name: 'todo', schema: { 'type' => 'object' } }", code: 'CONFIG_ERROR') if config.nil?

      wire, hooks = Wire.stream(config, where)
      @streams[file] = LoadedStream.new(file, wire, hooks)
      { 'config' => wire }
    end

    # Forgets the project's own files (not gems, not the SDK) so that the next loads read them again.
    def reset
      gone = $LOADED_FEATURES.select { |path| project_file?(path) }
      $LOADED_FEATURES.reject! { |path| gone.include?(path) }
      gone.size
    end

    # An error frame for a file that failed to load: message, backtrace and the line in the project.
    def describe_failure(error)
      out = { 'name' => error.class.name, 'message' => failure_message(error), 'traceback' => Motia.backtrace_text(error) }
      out['code'] = error.code if error.is_a?(Motia::Error)
      location = location_of(error)
      out['location'] = location if location
      out
    end

    # --- internal ---

    private

    def relative(file)
      file.start_with?(@root + File::SEPARATOR) ? file[(@root.size + 1)..] : file
    end

    def evaluate(file)
      source = File.read(file, mode: 'r:UTF-8')
      space = Module.new
      space.include(DSL)
      space.extend(DSL)
      space.module_eval(source, file, 1)
      Object.new.extend(space)
    end

    # `config` and `handler`: methods of the file (`def config`), or constants `CONFIG` / `HANDLER`.
    def exports(holder, where)
      config = holder.respond_to?(:config) ? holder.config : constant(holder, :CONFIG)
      handler = holder.respond_to?(:handler) ? holder.method(:handler) : constant(holder, :HANDLER)
      if !handler.nil? && !(handler.is_a?(Proc) || handler.is_a?(Method))
        raise Error.new("#{where}: HANDLER must be a lambda ->(input, ctx) { ... }, got #{handler.class}", code: 'CONFIG_ERROR')
      end
      return [config, handler] unless config.nil?
      # As in TypeScript: the folder conventions may be all the config a step needs.
      return [{}, handler] unless handler.nil?

      raise Error.new("#{where} defines no config: add def config = { name: 'MyStep', triggers: [...] } and def handler(input, ctx)", code: 'CONFIG_ERROR')
    end

    def constant(holder, name)
      space = holder.singleton_class.included_modules.first
      space.const_defined?(name, false) ? space.const_get(name, false) : nil
    end

    def project_file?(path)
      path.start_with?(@root + File::SEPARATOR) && !path.start_with?(SDK_DIR) && !%w[/vendor/ /gems/ /node_modules/ /.bundle/].any? { |part| path.include?(part) }
    end

    def failure_message(error)
      return error.message if error.is_a?(Motia::Error)

      text = error.message.to_s.lines.first.to_s.strip
      # A syntax error's message starts with its place; the location says it already.
      text = text.sub(/\A.*?:\d+: /, '') if error.is_a?(SyntaxError)
      # The file's own module, as Ruby names it, says nothing to its author.
      text = text.sub(/ for #<Module:0x\h+>\z/, '')
      "#{error.class.name}: #{text}"
    end

    def location_of(error)
      if error.is_a?(SyntaxError) && (found = error.message.to_s.match(/\A(.+?):(\d+):/)) && found[1].start_with?(@root)
        return { 'file' => relative(found[1]), 'line' => found[2].to_i, 'column' => 0 }
      end

      frame = (error.backtrace_locations || []).find { |loc| (path = loc.absolute_path || loc.path) && path.start_with?(@root + File::SEPARATOR) && !path.start_with?(SDK_DIR) }
      frame && { 'file' => relative(frame.absolute_path || frame.path), 'line' => frame.lineno, 'column' => 0 }
    end
  end

  # An error's message and backtrace as Ruby prints them, without the worker's own frames.
  def self.backtrace_text(error)
    lines = (error.backtrace || []).reject { |line| line.start_with?(Loader::SDK_DIR) }
    message = "#{error.message} (#{error.class.name})"
    return message if lines.empty?

    (["#{lines.first}: #{message}"] + lines.drop(1).map { |line| "\tfrom #{line}" }).join("\n")
  end
end

module Motia
  # A reloaded project file defines its constants again: Ruby's "already initialized constant"
  # warning (and its "previous definition" line) says nothing useful then, so it is left out for
  # the project's files. Every other warning goes on to `$stderr`, so into the worker's log.
  module ReloadWarnings
    class << self
      attr_accessor :root
    end

    def warn(message, *args, **kwargs)
      root = ReloadWarnings.root
      return nil if root && message.start_with?(root) && message.match?(/: warning: (already initialized constant|previous definition of) /)

      super
    end
  end
  Warning.singleton_class.prepend(ReloadWarnings)
end
