#pragma once

#include <string>

#include "core/base/json_io.h"

namespace autofocus {

// `v` as an int: an integer, or an integral float, within int's range. Anything else (a string,
// a fraction, 1e300: converting it would be undefined behaviour) throws Error naming `file`
// and `where`.
int JsonToInt(const Json& v, const std::string& file, const std::string& where);

}  // namespace autofocus
