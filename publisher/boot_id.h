// The id of one vm-pub run, so subscribers can tell runs apart (seq restarts).
#pragma once

#include <string>

namespace vme::pub {

/// 128 random bits as 32 lower-case hex digits (std::random_device, which
/// reads the kernel's random source).
std::string make_boot_id();

}  // namespace vme::pub
