#pragma once

// What this build is: the version, the git revision it was configured from, the versions of the
// libraries in use (run-time values where the library reports one) and where the running
// program finds its plugins and prompt templates. Shown by `autofocus --version` and the
// studio's About box.

#include <string>
#include <vector>

namespace autofocus {

// One line of the report, e.g. {"OpenCV", "4.6.0"}.
struct ComponentVersion {
  std::string name;     // "Qt", "OpenCV", "LibTorch", "HDF5", "libcurl", "plugins", ...
  std::string version;  // the version, with how it was obtained when not the run-time value
};

// The project version, e.g. "0.1.0".
std::string AutofocusVersion();

// `git describe --always --dirty` of the source tree at configure time, or "unknown" when the
// sources are not a git checkout.
std::string GitRevision();

// The Qt version the studio was built with ("" when the build has no GUI).
std::string QtBuildVersion();

// OpenCV, LibTorch, HDF5 and libcurl, in that order. OpenCV, HDF5 and libcurl are asked at run
// time (with the header version they were compiled against when it differs); LibTorch is the
// configure-time version, since only the companion programs and the TorchScript plugin map it.
std::vector<ComponentVersion> LibraryVersions();

// Where this process finds its plugins and its prompt templates (or why it cannot): the
// "plugins" and "resources" lines of the report.
std::vector<ComponentVersion> ResourceLocations();

// The whole report: "<program> <version> (git <revision>)", then "Qt: <qt>", the libraries and
// the locations, one "name: version" per line.
std::string VersionReport(const std::string& program, const std::string& qt);

}  // namespace autofocus
