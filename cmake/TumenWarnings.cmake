# Warnings live in an interface target that only this project's own targets link privately,
# so that people who embed the engine never inherit them.
add_library(tumen_warnings INTERFACE)
target_compile_options(tumen_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
