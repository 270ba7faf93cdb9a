// non_ascii_only_in_strings: the loaders' guard against toml++ 3.3.0's undefined behaviour on
// characters beyond ASCII where TOML allows none (tumen/toml_text.hpp).
#include "tumen/toml_text.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

struct Place {
  bool clean;
  int line;
  int column;
};

Place check(const std::string& text) {
  int line = 0, column = 0;
  const bool clean = tumen::non_ascii_only_in_strings(text, line, column);
  return {clean, line, column};
}

}  // namespace

TEST_CASE("Characters beyond ASCII are allowed in strings and comments", "[scenario][bad-input]") {
  for (const std::string text : {
           "name = \"\xEB\xB6\x81\xED\x95\x9C\"  # \xEB\xB6\x81\xED\x95\x9C\n",
           "name = '\xC3\xA9t\xC3\xA9'\n",
           "\"\xC3\xA9\" = 1\n",
           "notes = \"\"\"\n\xC3\xA9\n\"\"\"\nx = 1\n",
           "notes = '''\xC3\xA9 ''\n'''\n",
           "a = \"say \\\"\xC3\xA9\\\"\" # \xC3\xA9\n",
           "notes = \"\"\"\xC3\xA9 \"\"\"\"\"\nx = 1\n",  // two quotes of content before the close
           "\xEF\xBB\xBFname = \"x\"\n",                  // a byte order mark
           "# only a comment: \xE2\x80\x94\n",
           "",
       }) {
    INFO(text);
    CHECK(check(text).clean);
  }
}

TEST_CASE("A character beyond ASCII outside strings and comments is found with its place",
          "[scenario][bad-input]") {
  struct Case {
    std::string text;
    int line;
    int column;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"\xEF\xBB\x94"
            "ddate = 2000-01-01\n",
            1, 1},  // what fuzz_scenario found
           {"a = 1\n\xC2\xA1 = 2\n", 2, 1},
           {"a = 1 \xC3\xA9\n", 1, 7},
           {"[\xC3\xA9t\xC3\xA9]\n", 1, 2},
           {"a = \"\xC3\xA9\" \xC3\xA9\n", 1, 9},
           {"notes = \"\"\"\xC3\xA9\"\"\"\xC3\xA9\n", 1, 16},
           {"a = '\xC3\xA9\n\xC3\xA9", 2, 1},  // a newline ends an unterminated string
           {"# \xC3\xA9\n\xE3\x80\x80x = 1\n", 2, 1},
       }) {
    INFO(c.text);
    const Place place = check(c.text);
    CHECK_FALSE(place.clean);
    CHECK(place.line == c.line);
    CHECK(place.column == c.column);
  }
}
