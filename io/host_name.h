// This machine's host name, as both tools need it (vm-pub's default
// --host-name, both tools' default MQTT client id).
#pragma once

#include <string>

namespace vme::io {

/// gethostname(2); "localhost" when it fails or is empty.
std::string machine_host_name();

}  // namespace vme::io
