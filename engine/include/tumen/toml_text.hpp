#pragma once
// A check of a TOML document's text before toml++ parses it. TOML allows characters beyond ASCII
// only inside strings and comments; elsewhere they are a syntax error. toml++ 3.3.0 (Debian 12)
// does not always say so: where it tests for whitespace, some of them (U+00A1 to U+0499, U+FE9A to
// U+FEFE, ...) reach a point its code marks unreachable, which is undefined behaviour in the
// library tumen ships with (found by fuzz_scenario: a file starting with U+FED4). So the loaders
// refuse such a character themselves, with its place, before toml++ sees the text.
#include <string_view>

namespace tumen {

// Whether every character beyond ASCII in `text` (UTF-8, already checked by is_clean_text) lies
// inside a string (basic, literal, multi-line) or a comment. When not, `line` and `column`
// (1-based, in characters) name the first that does not. A UTF-8 byte order mark at the start is
// allowed, as toml++ skips it.
[[nodiscard]] bool non_ascii_only_in_strings(std::string_view text, int& line, int& column);

}  // namespace tumen
