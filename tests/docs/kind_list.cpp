// Prints vme::all_kind_names(), one per line: the list the completions and
// vm-events(7) must match (tests/docs/completion.sh compares them).
#include <cstdio>

#include "common/names.h"

int main() {
    for (const auto name : vme::all_kind_names()) {
        std::printf("%.*s\n", static_cast<int>(name.size()), name.data());
    }
    return 0;
}
