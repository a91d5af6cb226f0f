#include "core/base/error.h"

namespace autofocus {
namespace {

std::string Compose(const std::string& file, const std::string& where, const std::string& reason) {
  std::string msg;
  if (!file.empty()) msg += file + ": ";
  if (!where.empty()) msg += where + ": ";
  return msg + reason;
}

}  // namespace

Error::Error(std::string file, std::string where, std::string reason)
    : std::runtime_error(Compose(file, where, reason)),
      file_(std::move(file)),
      where_(std::move(where)),
      reason_(std::move(reason)) {}

}  // namespace autofocus
