# The Ruby worker of Motia: started by the runtime as `ruby motia_worker.rb`, it serves every Ruby
# step of the project over the worker protocol (docs/languages/protocol.md) until its stdin closes.
# This file stays in syntax every Ruby parses, so an old interpreter gets one clear line.
if (RUBY_VERSION.split('.').map(&:to_i) <=> [3, 1]) < 0
  STDERR.puts("Ruby #{RUBY_VERSION} is too old for Motia's Ruby steps: they need Ruby 3.1 or newer")
  exit(1)
end

require_relative 'motia/worker'

Motia::Worker.new.serve
