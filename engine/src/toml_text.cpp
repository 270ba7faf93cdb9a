#include "tumen/toml_text.hpp"

#include <cstddef>

namespace tumen {

namespace {

enum class Where { code, comment, basic, literal, multiline_basic, multiline_literal };

bool starts(std::string_view text, std::size_t at, std::string_view with) {
  return text.substr(at, with.size()) == with;
}

}  // namespace

bool non_ascii_only_in_strings(std::string_view text, int& line, int& column) {
  line = 1;
  column = 1;
  Where where = Where::code;
  std::size_t i = starts(text, 0, "\xEF\xBB\xBF") ? 3 : 0;
  // Moves past `count` bytes that are ASCII (no newline among them) or the rest of a character.
  const auto advance = [&](std::size_t count) {
    for (std::size_t k = 0; k < count && i < text.size(); ++k, ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      if (byte == '\n') {
        ++line;
        column = 1;
      } else if ((byte & 0xc0) != 0x80) {
        ++column;  // the first byte of a character
      }
    }
  };
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (where) {
      case Where::code:
        if (byte >= 0x80) return false;
        if (c == '#') {
          where = Where::comment;
        } else if (starts(text, i, "\"\"\"")) {
          where = Where::multiline_basic;
          advance(3);
          continue;
        } else if (starts(text, i, "'''")) {
          where = Where::multiline_literal;
          advance(3);
          continue;
        } else if (c == '"') {
          where = Where::basic;
        } else if (c == '\'') {
          where = Where::literal;
        }
        break;
      case Where::comment:
        if (c == '\n') where = Where::code;
        break;
      case Where::basic:
        if (c == '\\') {
          advance(1);  // the escaped character, whatever it is, stays in the string
        } else if (c == '"' || c == '\n') {
          where = Where::code;  // a newline ends an unterminated string: toml++ reports it
        }
        break;
      case Where::literal:
        if (c == '\'' || c == '\n') where = Where::code;
        break;
      case Where::multiline_basic:
      case Where::multiline_literal: {
        const bool basic = where == Where::multiline_basic;
        if (basic && c == '\\') {
          advance(1);
          break;
        }
        const std::string_view quotes = basic ? "\"\"\"" : "'''";
        if (starts(text, i, quotes)) {
          // Three quotes close the string; one or two more just before them belong to it.
          std::size_t run = 3;
          while (run < 5 && i + run < text.size() && text[i + run] == quotes[0]) ++run;
          advance(run);
          where = Where::code;
          continue;
        }
        break;
      }
    }
    advance(1);
  }
  return true;
}

}  // namespace tumen
