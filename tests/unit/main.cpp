// The doctest runner for the unit tests (tests/unit/meson.build lists them).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
