#pragma once

#include <stdexcept>
#include <string>

namespace autofocus {

// An error the user can act on: names the file (and field, row or dataset) and the reason.
class Error : public std::runtime_error {
 public:
  // `file` may be empty when no file is involved; `where` names a field/row/dataset or is empty.
  Error(std::string file, std::string where, std::string reason);

  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  std::string where_;
  std::string reason_;
};

// Thrown when a long-running job noticed its stop check.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace autofocus
