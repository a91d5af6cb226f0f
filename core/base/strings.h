#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace autofocus {

// "Natural" ordering: digit runs compare by value, so frame_2.png < frame_10.png.
bool NaturalLess(std::string_view a, std::string_view b);

// Lower-cases ASCII letters.
std::string ToLower(std::string_view s);

// Splits on a single character; keeps empty fields.
std::vector<std::string> Split(std::string_view s, char sep);

// Strips ASCII whitespace at both ends.
std::string Trim(std::string_view s);

}  // namespace autofocus
