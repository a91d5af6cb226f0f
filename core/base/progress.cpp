#include "core/base/progress.h"

#include "core/base/error.h"

namespace autofocus {

void ThrowIfStopped(const StopCheck& stop) {
  if (stop && stop()) throw Cancelled();
}

}  // namespace autofocus
