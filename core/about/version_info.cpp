#include "core/about/version_info.h"

#include <curl/curl.h>
#include <hdf5.h>

#include <exception>
#include <opencv2/core/utility.hpp>
#include <opencv2/core/version.hpp>
#include <sstream>

#include "core/base/plugin_loader.h"
#include "core/vlm/prompt_template.h"

namespace autofocus {
namespace {

// "run-time (built with compile-time)" when the two differ, else the one value.
std::string WithBuildVersion(const std::string& runtime, const std::string& built) {
  return runtime == built ? runtime : runtime + " (built with " + built + ")";
}

}  // namespace

std::string AutofocusVersion() {
  return AUTOFOCUS_VERSION;
}

std::string GitRevision() {
  const std::string rev = AUTOFOCUS_GIT_REVISION;
  return rev.empty() ? "unknown" : rev;
}

std::string QtBuildVersion() {
  return AUTOFOCUS_QT_VERSION;
}

std::vector<ComponentVersion> LibraryVersions() {
  std::vector<ComponentVersion> out;
  out.push_back({"OpenCV", WithBuildVersion(cv::getVersionString(), CV_VERSION)});
  const std::string torch = AUTOFOCUS_TORCH_VERSION;
  out.push_back({"LibTorch", torch.empty()
                                 ? "not built (-DAUTOFOCUS_WITH_TORCH=OFF)"
                                 : torch + " (build-time version; loaded only by autofocus-train, "
                                           "autofocus-evaluate, autofocus-attention and the "
                                           "TorchScript detector plugin)"});
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  const std::string hdf5 =
      std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
  const std::string hdf5_built = std::to_string(H5_VERS_MAJOR) + "." +
                                 std::to_string(H5_VERS_MINOR) + "." +
                                 std::to_string(H5_VERS_RELEASE);
  out.push_back({"HDF5", WithBuildVersion(hdf5, hdf5_built)});
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  std::string curl_text = WithBuildVersion(curl->version, LIBCURL_VERSION);
  if (curl->ssl_version) curl_text += std::string(" (") + curl->ssl_version + ")";
  out.push_back({"libcurl", curl_text});
  return out;
}

std::vector<ComponentVersion> ResourceLocations() {
  std::vector<ComponentVersion> out;
  const auto plugin = FindPlugin("autofocus_imageio_plugin.so");
  out.push_back({"plugins", plugin.empty() ? "not found (set " + std::string(kPluginDirEnv) + ")"
                                           : plugin.parent_path().string()});
  try {
    out.push_back({"resources", ResourcesDir().string()});
  } catch (const std::exception& e) {
    out.push_back({"resources", std::string("not found: ") + e.what()});
  }
  return out;
}

std::string VersionReport(const std::string& program, const std::string& qt) {
  std::ostringstream s;
  s << program << " " << AutofocusVersion() << " (git " << GitRevision() << ")\n";
  s << "Qt: " << qt << "\n";
  for (const auto& c : LibraryVersions()) s << c.name << ": " << c.version << "\n";
  for (const auto& c : ResourceLocations()) s << c.name << ": " << c.version << "\n";
  std::string text = s.str();
  text.pop_back();  // CLI11 prints a newline after the version text
  return text;
}

}  // namespace autofocus
