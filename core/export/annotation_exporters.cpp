// Annotation-tool formats (FORMATS.md "Annotation formats"): COCO with track_id / key
// attributes, MOTChallenge, CVAT for video 1.1 and YOLO; and plain folders. Each writes the
// exported frames as PNG next to its annotations, so the tool opens the export as it is.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/npy.h"
#include "core/export/exporters.h"
#include "core/imageio/image_io.h"

namespace autofocus {
namespace fs = std::filesystem;

std::vector<std::string> ExportLabels(const std::vector<ExportEpisode>& episodes) {
  std::set<std::string> s;
  for (const auto& e : episodes) {
    for (const auto& f : e.frames) {
      for (const auto& d : f.tracked) s.insert(d.label);
      for (const auto& d : f.key) s.insert(d.label);
    }
  }
  return {s.begin(), s.end()};
}

void WriteFramePng(const fs::path& file, const cv::Mat& image) {
  fs::create_directories(file.parent_path());
  std::string err;
  // Level 1: the frames dominate the export's time, and size matters less than speed here.
  if (!WriteImageFile(file.string(), image, {kPngCompression, 1}, &err)) {
    throw Error(file.string(), "", "cannot write PNG" + (err.empty() ? "" : ": " + err));
  }
}

cv::Mat ToRgb(const cv::Mat& bgr) {
  cv::Mat rgb;
  if (bgr.channels() == 1) {
    cv::cvtColor(bgr, rgb, cv::COLOR_GRAY2RGB);
  } else if (bgr.channels() == 4) {
    cv::cvtColor(bgr, rgb, cv::COLOR_BGRA2RGB);
  } else {
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  }
  return rgb.isContinuous() ? rgb : rgb.clone();
}

namespace {

std::string Padded(int v, int width = 6) {
  char b[32];
  std::snprintf(b, sizeof b, "%0*d", width, v);
  return b;
}

std::string Num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

void WriteText(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  WriteFileAtomic(file, text);
}

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "", "missing after the export");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsKey(const ExportFrame& f, int id) {
  return std::any_of(f.key.begin(), f.key.end(), [id](const Detection& d) { return d.id == id; });
}

// Writes every exported frame of `e` as PNG; `name(i, frame)` gives the file of the i-th one.
template <typename Name>
void WriteFrames(const ProjectStore& store, const ExportEpisode& e, const Name& name, long* done, long all,
                 const ProgressCallback& progress, const StopCheck& stop) {
  auto frames = store.OpenFrames(e.episode);
  for (size_t i = 0; i < e.frames.size(); ++i) {
    ThrowIfStopped(stop);
    WriteFramePng(name(i, e.frames[i]), frames->Read(e.frames[i].index));
    ++*done;
    if (progress) progress({"export", e.episode.name, *done, all, -1});
  }
}

// 0-based index of `label` in the sorted ExportLabels() list.
int LabelIndex(const std::vector<std::string>& labels, const std::string& label) {
  return static_cast<int>(std::lower_bound(labels.begin(), labels.end(), label) - labels.begin());
}

long CountFrames(const std::vector<ExportEpisode>& episodes) {
  long n = 0;
  for (const auto& e : episodes) n += static_cast<long>(e.frames.size());
  return n;
}

// ---- COCO --------------------------------------------------------------------------------
class CocoExporter : public Exporter {
 public:
  std::string Format() const override { return "coco"; }
  void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes, const ExportOptions&,
             const fs::path& dest, const ProgressCallback& progress, const StopCheck& stop) const override {
    const auto labels = ExportLabels(episodes);
    Json cats = Json::array(), images = Json::array(), anns = Json::array(), videos = Json::array();
    for (size_t c = 0; c < labels.size(); ++c) {
      cats.push_back({{"id", c + 1}, {"name", labels[c]}, {"supercategory", ""}});
    }
    long image_id = 0, ann_id = 0, done = 0;
    const long all = CountFrames(episodes);
    for (size_t v = 0; v < episodes.size(); ++v) {
      const ExportEpisode& e = episodes[v];
      videos.push_back({{"id", v + 1}, {"name", e.episode.name}, {"width", e.episode.width}, {"height", e.episode.height}});
      WriteFrames(store, e, [&](size_t, const ExportFrame& f) {
        return dest / "images" / e.episode.name / (Padded(f.index) + ".png");
      }, &done, all, progress, stop);
      for (const auto& f : e.frames) {
        ++image_id;
        Json img = {{"id", image_id},
                    {"width", e.episode.width},
                    {"height", e.episode.height},
                    {"file_name", e.episode.name + "/" + Padded(f.index) + ".png"},
                    {"video_id", v + 1},
                    {"frame_index", f.index}};
        if (!f.flag.empty()) img["attributes"] = {{"flag", f.flag}};
        images.push_back(img);
        for (const auto& d : f.tracked) {
          const int cat = LabelIndex(labels, d.label) + 1;
          const double w = d.box.Width(), h = d.box.Height();
          anns.push_back({{"id", ++ann_id},
                          {"image_id", image_id},
                          {"category_id", cat},
                          {"bbox", {d.box.x1, d.box.y1, w, h}},
                          {"area", w * h},
                          {"iscrowd", 0},
                          {"segmentation", Json::array()},
                          {"score", d.score},
                          {"track_id", d.id},
                          {"attributes", {{"track_id", d.id}, {"key", IsKey(f, d.id)}, {"occluded", false},
                                          {"keyframe", true}}}});
        }
      }
    }
    SaveJsonFile(dest / "annotations.json",
                 {{"info", {{"description", "AutoFocus Studio export"}}}, {"licenses", Json::array()},
                  {"categories", cats}, {"videos", videos}, {"images", images}, {"annotations", anns}});
  }
  void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions&, const fs::path& dest) const override {
    const Json j = LoadJsonFile(dest / "annotations.json");
    long boxes = 0;
    for (const auto& e : episodes) {
      for (const auto& f : e.frames) boxes += static_cast<long>(f.tracked.size());
    }
    if (static_cast<long>(j.at("images").size()) != CountFrames(episodes) ||
        static_cast<long>(j.at("annotations").size()) != boxes) {
      throw Error((dest / "annotations.json").string(), "images/annotations", "counts differ from what was exported");
    }
    for (const Json& img : j["images"]) {
      if (!fs::exists(dest / "images" / img.at("file_name").get<std::string>())) {
        throw Error((dest / "annotations.json").string(), "images", img["file_name"].get<std::string>() + " is missing");
      }
    }
  }
};

// ---- MOTChallenge --------------------------------------------------------------------------
class MotExporter : public Exporter {
 public:
  std::string Format() const override { return "mot"; }
  void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes, const ExportOptions&,
             const fs::path& dest, const ProgressCallback& progress, const StopCheck& stop) const override {
    const auto labels = ExportLabels(episodes);
    long done = 0;
    const long all = CountFrames(episodes);
    for (const auto& e : episodes) {
      const fs::path seq = dest / e.episode.name;
      // MOT frames are 1-based and consecutive: the i-th exported frame is i + 1 (the manifest
      // maps them back to episode frames).
      WriteFrames(store, e, [&](size_t i, const ExportFrame&) { return seq / "img1" / (Padded(static_cast<int>(i) + 1) + ".png"); },
                  &done, all, progress, stop);
      std::string gt;
      for (size_t i = 0; i < e.frames.size(); ++i) {
        for (const auto& d : e.frames[i].tracked) {
          const int cls = LabelIndex(labels, d.label) + 1;
          gt += std::to_string(i + 1) + "," + std::to_string(d.id + 1) + "," + Num(d.box.x1) + "," + Num(d.box.y1) +
                "," + Num(d.box.Width()) + "," + Num(d.box.Height()) + ",1," + std::to_string(cls) + ",1\n";
        }
      }
      WriteText(seq / "gt" / "gt.txt", gt);
      std::string names;
      for (const auto& l : labels) names += l + "\n";
      WriteText(seq / "gt" / "labels.txt", names);
      WriteText(seq / "seqinfo.ini", "[Sequence]\nname=" + e.episode.name + "\nimDir=img1\nframeRate=10\nseqLength=" +
                                         std::to_string(e.frames.size()) + "\nimWidth=" + std::to_string(e.episode.width) +
                                         "\nimHeight=" + std::to_string(e.episode.height) + "\nimExt=.png\n");
    }
  }
  void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions&, const fs::path& dest) const override {
    for (const auto& e : episodes) {
      const fs::path gt = dest / e.episode.name / "gt" / "gt.txt";
      std::istringstream in(ReadText(gt));
      long lines = 0, boxes = 0;
      for (std::string line; std::getline(in, line);) ++lines;
      for (const auto& f : e.frames) boxes += static_cast<long>(f.tracked.size());
      if (lines != boxes) throw Error(gt.string(), "", "has " + std::to_string(lines) + " boxes, wrote " + std::to_string(boxes));
      const auto n = std::distance(fs::directory_iterator(dest / e.episode.name / "img1"), fs::directory_iterator());
      if (n != static_cast<long>(e.frames.size())) throw Error((dest / e.episode.name / "img1").string(), "", "frame count differs");
    }
  }
};

// ---- CVAT for video 1.1 ----------------------------------------------------------------------
std::string Xml(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

class CvatVideoExporter : public Exporter {
 public:
  std::string Format() const override { return "cvat-video"; }
  void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes, const ExportOptions&,
             const fs::path& dest, const ProgressCallback& progress, const StopCheck& stop) const override {
    const auto labels = ExportLabels(episodes);
    long done = 0;
    const long all = CountFrames(episodes);
    for (size_t k = 0; k < episodes.size(); ++k) {
      const ExportEpisode& e = episodes[k];
      const fs::path task = dest / e.episode.name;
      WriteFrames(store, e, [&](size_t i, const ExportFrame&) { return task / "images" / ("frame_" + Padded(static_cast<int>(i)) + ".png"); },
                  &done, all, progress, stop);
      std::ostringstream x;
      x << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta>\n    <task>\n"
        << "      <id>" << k + 1 << "</id>\n      <name>" << Xml(e.episode.name) << "</name>\n      <size>" << e.frames.size()
        << "</size>\n      <mode>interpolation</mode>\n      <start_frame>0</start_frame>\n      <stop_frame>"
        << (e.frames.empty() ? 0 : e.frames.size() - 1) << "</stop_frame>\n      <labels>\n";
      for (const auto& l : labels) {
        x << "        <label>\n          <name>" << Xml(l) << "</name>\n          <attributes>\n            <attribute>\n"
          << "              <name>key</name>\n              <mutable>True</mutable>\n              <input_type>checkbox</input_type>\n"
          << "              <default_value>false</default_value>\n              <values>false\ntrue</values>\n"
          << "            </attribute>\n          </attributes>\n        </label>\n";
      }
      x << "      </labels>\n      <original_size>\n        <width>" << e.episode.width << "</width>\n        <height>"
        << e.episode.height << "</height>\n      </original_size>\n    </task>\n  </meta>\n";
      // Tracks: a keyframe box wherever the track is detected, an outside box where it vanishes.
      std::map<int, std::pair<std::string, std::vector<std::string>>> tracks;  // id -> label, boxes
      std::map<int, size_t> last_seen;
      for (size_t i = 0; i < e.frames.size(); ++i) {
        std::set<int> here;
        for (const auto& d : e.frames[i].tracked) {
          here.insert(d.id);
          auto& t = tracks[d.id];
          t.first = d.label;
          std::ostringstream b;
          b << "    <box frame=\"" << i << "\" xtl=\"" << Num(d.box.x1) << "\" ytl=\"" << Num(d.box.y1) << "\" xbr=\""
            << Num(d.box.x2) << "\" ybr=\"" << Num(d.box.y2) << "\" outside=\"0\" occluded=\"0\" keyframe=\"1\" z_order=\"0\">"
            << "<attribute name=\"key\">" << (IsKey(e.frames[i], d.id) ? "true" : "false") << "</attribute></box>\n";
          t.second.push_back(b.str());
          last_seen[d.id] = i;
        }
        for (auto& [id, t] : tracks) {
          if (!here.count(id) && last_seen.count(id) && last_seen[id] + 1 == i) {
            // The track ends (or pauses) here: CVAT's outside keyframe.
            std::string prev = t.second.back();
            const auto q = prev.find("frame=\"");
            prev = prev.substr(0, q) + "frame=\"" + std::to_string(i) + prev.substr(prev.find('"', q + 7));
            const auto o = prev.find("outside=\"0\"");
            if (o != std::string::npos) prev.replace(o, 11, "outside=\"1\"");
            t.second.push_back(prev);
          }
        }
      }
      for (const auto& [id, t] : tracks) {
        x << "  <track id=\"" << id << "\" label=\"" << Xml(t.first) << "\" source=\"auto\">\n";
        for (const auto& b : t.second) x << b;
        x << "  </track>\n";
      }
      x << "</annotations>\n";
      WriteText(task / "annotations.xml", x.str());
    }
  }
  void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions&, const fs::path& dest) const override {
    for (const auto& e : episodes) {
      const std::string xml = ReadText(dest / e.episode.name / "annotations.xml");
      if (xml.find("<version>1.1</version>") == std::string::npos || xml.rfind("</annotations>") == std::string::npos) {
        throw Error((dest / e.episode.name / "annotations.xml").string(), "", "not a complete CVAT 1.1 document");
      }
    }
  }
};

// ---- YOLO --------------------------------------------------------------------------------
class YoloExporter : public Exporter {
 public:
  std::string Format() const override { return "yolo"; }
  void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes, const ExportOptions&,
             const fs::path& dest, const ProgressCallback& progress, const StopCheck& stop) const override {
    const auto labels = ExportLabels(episodes);
    long done = 0;
    const long all = CountFrames(episodes);
    for (const auto& e : episodes) {
      const std::string split = e.valid ? "val" : "train";
      WriteFrames(store, e, [&](size_t, const ExportFrame& f) {
        return dest / "images" / split / (e.episode.name + "_" + Padded(f.index) + ".png");
      }, &done, all, progress, stop);
      const double W = e.episode.width, H = e.episode.height;
      for (const auto& f : e.frames) {
        std::string txt;
        for (const auto& d : f.tracked) {
          const int cls = LabelIndex(labels, d.label);
          char b[160];
          std::snprintf(b, sizeof b, "%d %.6f %.6f %.6f %.6f\n", cls, d.box.CenterX() / W, d.box.CenterY() / H,
                        d.box.Width() / W, d.box.Height() / H);
          txt += b;
        }
        WriteText(dest / "labels" / split / (e.episode.name + "_" + Padded(f.index) + ".txt"), txt);
      }
    }
    std::string yaml = "path: .\ntrain: images/train\nval: images/val\nnames:\n";
    for (size_t c = 0; c < labels.size(); ++c) yaml += "  " + std::to_string(c) + ": " + labels[c] + "\n";
    WriteText(dest / "data.yaml", yaml);
  }
  void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions&, const fs::path& dest) const override {
    long n = 0;
    for (const char* split : {"train", "val"}) {
      if (fs::is_directory(dest / "labels" / split)) n += std::distance(fs::directory_iterator(dest / "labels" / split), fs::directory_iterator());
    }
    if (n != CountFrames(episodes)) throw Error((dest / "labels").string(), "", "label file count differs from the frames");
    ReadText(dest / "data.yaml");
  }
};

// ---- folder --------------------------------------------------------------------------------
class FolderExporter : public Exporter {
 public:
  std::string Format() const override { return "folder"; }
  void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes, const ExportOptions& options,
             const fs::path& dest, const ProgressCallback& progress, const StopCheck& stop) const override {
    long done = 0;
    const long all = CountFrames(episodes);
    const auto names = store.info().action_spec.Names();
    for (const auto& e : episodes) {
      const fs::path dir = dest / e.episode.name;
      // Frames directly in the episode folder and actions.csv beside them: what `autofocus import
      // folder` reads. Saliency goes into a sub-folder the importer does not take as frames.
      WriteFrames(store, e, [&](size_t, const ExportFrame& f) { return dir / (Padded(f.index) + ".png"); }, &done, all,
                  progress, stop);
      std::string csv;
      for (size_t i = 0; i < names.size(); ++i) csv += (i ? "," : "") + names[i];
      csv += "\n";
      for (const auto& f : e.frames) {
        const auto& a = e.episode.actions.at(static_cast<size_t>(f.index));
        for (size_t i = 0; i < a.size(); ++i) {
          char b[32];
          std::snprintf(b, sizeof b, "%.9g", a[i]);
          csv += (i ? "," : "") + std::string(b);
        }
        csv += "\n";
      }
      WriteText(dir / "actions.csv", csv);
      Json frames = Json::array();
      for (const auto& f : e.frames) {
        Json objs = Json::array();
        for (const auto& d : f.key) {
          objs.push_back({{"box", {d.box.x1, d.box.y1, d.box.x2, d.box.y2}}, {"label", d.label}, {"id", d.id}});
        }
        Json fj = {{"frame", f.index}, {"objects", objs}};
        if (!f.flag.empty()) fj["flag"] = f.flag;
        frames.push_back(fj);
      }
      SaveJsonFile(dir / "annotations" / "key_boxes.json",
                   {{"width", e.episode.width}, {"height", e.episode.height}, {"frames", frames}});
      if (options.saliency == "maps" && !e.saliency.empty()) {
        const int W = e.episode.width, H = e.episode.height;
        for (size_t i = 0; i < e.frames.size(); ++i) {
          cv::Mat m(H, W, CV_8UC1);
          const float* src = e.saliency.data() + i * static_cast<size_t>(W * H);
          for (int p = 0; p < W * H; ++p) m.data[p] = static_cast<uint8_t>(std::lround(255.f * std::clamp(src[p], 0.f, 1.f)));
          WriteFramePng(dir / "annotations" / "saliency" / (Padded(e.frames[i].index) + ".png"), m);
        }
      }
    }
  }
  void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions&, const fs::path& dest) const override {
    for (const auto& e : episodes) {
      std::istringstream in(ReadText(dest / e.episode.name / "actions.csv"));
      long rows = -1;  // header
      for (std::string line; std::getline(in, line);) ++rows;
      if (rows != static_cast<long>(e.frames.size())) {
        throw Error((dest / e.episode.name / "actions.csv").string(), "", "row count differs from the frames");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Exporter> MakeCocoExporter() { return std::make_unique<CocoExporter>(); }
std::unique_ptr<Exporter> MakeMotExporter() { return std::make_unique<MotExporter>(); }
std::unique_ptr<Exporter> MakeCvatVideoExporter() { return std::make_unique<CvatVideoExporter>(); }
std::unique_ptr<Exporter> MakeYoloExporter() { return std::make_unique<YoloExporter>(); }
std::unique_ptr<Exporter> MakeFolderExporter() { return std::make_unique<FolderExporter>(); }

}  // namespace autofocus
