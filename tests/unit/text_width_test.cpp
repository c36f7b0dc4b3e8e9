// Fitting text into terminal columns (common/text_width.h).
#include <doctest/doctest.h>

#include <string>

#include "common/sanitize.h"
#include "common/text_width.h"

TEST_SUITE("text_width") {

TEST_CASE("text that fits is unchanged") {
    CHECK(vme::fit_width("web1", 4) == "web1");
    CHECK(vme::fit_width("web1", 10) == "web1");
    CHECK(vme::fit_width("", 3) == "");
}

TEST_CASE("longer text is cut with an ellipsis in the last column") {
    CHECK(vme::fit_width("database-primary", 8) == "databas…");
    CHECK(vme::display_width(vme::fit_width("database-primary", 8)) == 8);
    CHECK(vme::fit_width("ab", 1) == "…");
    CHECK(vme::fit_width("ab", 0) == "");
}

TEST_CASE("wide characters count two columns and are never split") {
    // 数据库服务器: six CJK characters, 12 columns.
    const std::string cjk = "数据库服务器";
    CHECK(vme::display_width(cjk) == 12);
    CHECK(vme::fit_width(cjk, 12) == cjk);
    CHECK(vme::fit_width(cjk, 7) == "数据库…");        // 6 + 1
    CHECK(vme::fit_width(cjk, 6) == "数据…");          // 4 + 1: the third would straddle
    CHECK(vme::display_width(vme::fit_width(cjk, 6)) == 5);
    const std::string emoji = "vm-😀😀";
    CHECK(vme::display_width(emoji) == 7);
    CHECK(vme::fit_width(emoji, 6) == "vm-😀…");
    CHECK(vme::is_valid_utf8(vme::fit_width(emoji, 5)));
}

TEST_CASE("combining marks stay with their letter") {
    const std::string e_acute = "e\u0301e\u0301e\u0301";  // three columns
    CHECK(vme::display_width(e_acute) == 3);
    CHECK(vme::fit_width(e_acute, 3) == e_acute);
    CHECK(vme::fit_width(e_acute, 2) == "e\u0301…");
}

TEST_CASE("fit_pad gives exactly the width asked for") {
    CHECK(vme::fit_pad("web", 6) == "web   ");
    CHECK(vme::fit_pad("database", 5) == "data…");
    CHECK(vme::display_width(vme::fit_pad("数据库服务器", 7)) == 7);
    CHECK(vme::display_width(vme::fit_pad("数据库服务器", 6)) == 6);  // "数据…" + one space
    CHECK(vme::fit_pad("x", 0) == "");
}

}  // TEST_SUITE
