# Motia's Ruby API for step files: `require 'motia'` is optional (a step file sees these names
# already), but lets an editor or a plain `ruby -c` find them.
require_relative 'motia/errors'
require_relative 'motia/values'
require_relative 'motia/dsl'
require_relative 'motia/context'
