// Export: every format written from an annotated sample project and read back independently
// (h5py replaying robomimic's read logic; JSON/TXT parsed field by field), round trips through
// our importers, curation honoured, a killed export leaves nothing, bad input is exit 1.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/base/error.h"
#include "core/curation/edit.h"
#include "core/curation/edit_journal.h"
#include "core/dataset/project_store.h"
#include "core/export/export.h"
#include "core/imageio/image_io.h"
#include "tests/export/export_fixture.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;

constexpr const char* kPython = "/usr/bin/python3";


bool HavePythonH5py() { return RunProgram(kPython, {"-c", "import h5py, numpy"}).exit_code == 0; }

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The first tracked box of the project's first frame that has one: (episode, frame, box).
struct Probe {
  std::string episode;
  int frame = -1;
  Detection det;
  bool key = false;
};
Probe FirstTrackedBox(const ProjectStore& store) {
  for (const auto& e : store.info().episodes) {
    const Json tracks = store.LoadArtifact(e.name, "tracks")["result"]["frames"];
    const Json keys = store.LoadArtifact(e.name, "key_objects")["frames"];
    for (size_t t = 0; t < tracks.size(); ++t) {
      for (const Json& d : tracks[t]["detections"]) {
        Probe p;
        p.episode = e.name;
        p.frame = static_cast<int>(t);
        p.det.box = {d["box"][0], d["box"][1], d["box"][2], d["box"][3]};
        p.det.label = d["label"];
        p.det.id = d["id"];
        for (const Json& k : keys[t]["objects"]) p.key = p.key || k.value("id", -1) == p.det.id;
        return p;
      }
    }
  }
  return {};
}

TEST_F(Export, RobomimicReadsBackAsRobomimicDoesAndRoundTrips) {
  const fs::path p = Fresh("rm");
  const fs::path out = dir_->path() / "rm.hdf5";
  const auto r = RunCli({"export", p.string(), "--format", "robomimic", "--out", out.string(), "--valid-share", "0.34",
                         "--split-seed", "3", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Exported 3 episode(s), 72 frame(s) as robomimic"), std::string::npos) << r.out;
  ASSERT_TRUE(fs::exists(out));
  const Json manifest = LoadJsonFile(out.string() + ".manifest.json");
  EXPECT_EQ(manifest["format"], "robomimic");
  EXPECT_EQ(manifest["episodes"].size(), 3u);
  EXPECT_EQ(manifest["sha256"].size(), 1u);
  EXPECT_EQ(manifest["sha256"]["rm.hdf5"].get<std::string>().size(), 64u);
  EXPECT_TRUE(manifest["pipeline"].contains("tracker"));

  const ProjectStore store = ProjectStore::Open(p);
  if (!HavePythonH5py()) {
    GTEST_SKIP() << "python3-h5py is not installed (scripts/setup-deps installs it): independent read skipped";
  }
  const auto py = RunProgram(kPython, {std::string(AUTOFOCUS_SOURCE_DIR) + "/tests/export/check_robomimic.py", out.string(), "image"});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const Json j = Json::parse(py.out);
  EXPECT_EQ(j["demos"], Json::array({"demo_0", "demo_1", "demo_2"}));
  EXPECT_EQ(j["total"], 72);
  EXPECT_EQ(j["env_args"]["type"], 2);
  EXPECT_EQ(j["masks"]["train"].size() + j["masks"]["valid"].size(), 3u);
  EXPECT_EQ(j["masks"]["valid"].size(), 1u);
  for (int k = 0; k < 3; ++k) {
    const std::string demo = "demo_" + std::to_string(k);
    const Episode e = store.LoadEpisode(store.info().episodes[static_cast<size_t>(k)].name);
    // Frame 0 as RGB bytes: the same pixel sum as the project's frame (BGR, same bytes).
    cv::Mat f0 = store.OpenFrames(e)->Read(0);
    EXPECT_EQ(j["first_pixel_sum"][demo].get<long long>(), static_cast<long long>(cv::sum(f0)[0] + cv::sum(f0)[1] + cv::sum(f0)[2]))
        << demo;
    double asum = 0;
    for (const auto& a : e.actions) for (float v : a) asum += v;
    EXPECT_NEAR(j["actions_sum"][demo].get<double>(), asum, 1e-3) << demo;
    // Key IDs in annotations/ are those of key_objects.json.
    std::set<int> ids;
    const Json keys = store.LoadArtifact(e.name, "key_objects");  // named: range-for over a temporary dangles
    for (const Json& fr : keys["frames"]) {
      for (const Json& o : fr["objects"]) ids.insert(o["id"].get<int>());
    }
    EXPECT_EQ(j["key_ids"][demo].get<std::vector<int>>(), std::vector<int>(ids.begin(), ids.end())) << demo;
    if (!ids.empty()) {
      EXPECT_GT(j["saliency_max"][demo].get<int>(), 200) << demo;
    }
  }

  // Uncompressed, contiguous: the same content.
  const fs::path plain = dir_->path() / "rm-plain.hdf5";
  ASSERT_EQ(RunCli({"export", p.string(), "--format", "robomimic", "--out", plain.string(), "--compress", "none",
                    "--valid-share", "0.34", "--split-seed", "3", "--progress", "none"}).exit_code, 0);
  const auto py2 = RunProgram(kPython, {std::string(AUTOFOCUS_SOURCE_DIR) + "/tests/export/check_robomimic.py", plain.string(), "image"});
  ASSERT_EQ(py2.exit_code, 0) << py2.err;
  const Json j2 = Json::parse(py2.out);
  EXPECT_EQ(j2["first_pixel_sum"], j["first_pixel_sum"]);
  EXPECT_EQ(j2["saliency_max"], j["saliency_max"]);
  EXPECT_EQ(j2["masks"], j["masks"]);

  // Round trip: importing the export gives back the frames and actions (and the action names).
  const fs::path back = dir_->path() / "rm-back";
  const auto imp = RunCli({"import", "hdf5", out.string(), "--out", back.string()});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  const ProjectStore b = ProjectStore::Open(back);
  EXPECT_EQ(b.info().action_spec.Names(), store.info().action_spec.Names());
  ASSERT_EQ(b.info().episodes.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    const Episode src = store.LoadEpisode(store.info().episodes[k].name);
    const Episode dst = b.LoadEpisode(b.info().episodes[k].name);
    ASSERT_EQ(dst.num_frames, src.num_frames);
    EXPECT_EQ(dst.actions, src.actions);
    for (int t : {0, src.num_frames - 1}) {
      cv::Mat a = store.OpenFrames(src)->Read(t), c = b.OpenFrames(dst)->Read(t);
      EXPECT_EQ(cv::norm(a, c, cv::NORM_INF), 0) << "episode " << k << " frame " << t;
    }
    // ... and the key boxes (IDs and boxes of every frame).
    const Json want = store.LoadArtifact(src.name, "key_objects");
    const Json got = b.LoadArtifact(dst.name, "key_objects");
    ASSERT_EQ(got["frames"].size(), want["frames"].size());
    for (size_t t = 0; t < want["frames"].size(); ++t) {
      std::vector<std::pair<int, Json>> w, g;
      for (const Json& o : want["frames"][t]["objects"]) w.emplace_back(o["id"].get<int>(), o["box"]);
      for (const Json& o : got["frames"][t]["objects"]) g.emplace_back(o["id"].get<int>(), o["box"]);
      std::sort(w.begin(), w.end());
      std::sort(g.begin(), g.end());
      EXPECT_EQ(g, w) << "episode " << k << " frame " << t;
    }
    EXPECT_TRUE(b.HasArtifact(dst.name, "tracks"));
  }
}

TEST_F(Export, FolderRoundTripsThroughTheFolderImporter) {
  const fs::path p = Fresh("fo");
  const fs::path out = dir_->path() / "fo-out";
  ASSERT_EQ(RunCli({"export", p.string(), "--format", "folder", "--out", out.string(), "--progress", "none"}).exit_code, 0);
  const ProjectStore store = ProjectStore::Open(p);
  const std::string ep = store.info().episodes[0].name;
  EXPECT_TRUE(fs::exists(out / ep / "000000.png"));
  EXPECT_TRUE(fs::exists(out / ep / "annotations" / "saliency" / "000000.png"));
  const Json keys = LoadJsonFile(out / ep / "annotations" / "key_boxes.json");
  EXPECT_EQ(keys["frames"].size(), 24u);
  const fs::path back = dir_->path() / "fo-back";
  const auto imp = RunCli({"import", "folder", out.string(), "--out", back.string()});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  const ProjectStore b = ProjectStore::Open(back);
  EXPECT_EQ(b.info().action_spec.Names(), store.info().action_spec.Names());
  const Episode src = store.LoadEpisode(ep), dst = b.LoadEpisode(ep);
  ASSERT_EQ(dst.num_frames, 24);
  for (size_t t = 0; t < src.actions.size(); ++t) {
    for (size_t a = 0; a < src.actions[t].size(); ++a) EXPECT_FLOAT_EQ(dst.actions[t][a], src.actions[t][a]);
  }
  EXPECT_EQ(cv::norm(store.OpenFrames(src)->Read(5), b.OpenFrames(dst)->Read(5), cv::NORM_INF), 0);
}

TEST_F(Export, CocoMotYoloCvatFieldByField) {
  const fs::path p = Fresh("an");
  const ProjectStore store = ProjectStore::Open(p);
  const Probe probe = FirstTrackedBox(store);
  ASSERT_GE(probe.frame, 0);
  // COCO: [x, y, w, h] absolute; track_id and key as attributes.
  const fs::path coco = dir_->path() / "coco";
  ASSERT_EQ(RunCli({"export", p.string(), "--format", "coco", "--out", coco.string(), "--progress", "none"}).exit_code, 0);
  const Json c = LoadJsonFile(coco / "annotations.json");
  EXPECT_EQ(c["images"].size(), 72u);
  EXPECT_EQ(c["categories"][0]["id"], 1);
  bool found = false;
  for (const Json& a : c["annotations"]) {
    const Json& img = c["images"][a["image_id"].get<size_t>() - 1];
    if (img["file_name"] != probe.episode + "/" + std::string(6 - std::to_string(probe.frame).size(), '0') + std::to_string(probe.frame) + ".png") continue;
    if (a["track_id"] != probe.det.id) continue;
    found = true;
    EXPECT_FLOAT_EQ(a["bbox"][0].get<float>(), probe.det.box.x1);
    EXPECT_FLOAT_EQ(a["bbox"][1].get<float>(), probe.det.box.y1);
    EXPECT_NEAR(a["bbox"][2].get<float>(), probe.det.box.Width(), 1e-4);
    EXPECT_NEAR(a["bbox"][3].get<float>(), probe.det.box.Height(), 1e-4);
    EXPECT_EQ(a["attributes"]["key"], probe.key);
    EXPECT_EQ(a["attributes"]["track_id"], probe.det.id);
    EXPECT_EQ(c["categories"][a["category_id"].get<size_t>() - 1]["name"], probe.det.label);
    EXPECT_TRUE(fs::exists(coco / "images" / img["file_name"].get<std::string>()));
  }
  EXPECT_TRUE(found);

  // MOT: 1-based frames and IDs, seqinfo.ini with exactly the seven keys.
  const fs::path mot = dir_->path() / "mot";
  ASSERT_EQ(RunCli({"export", p.string(), "--format", "mot", "--out", mot.string(), "--progress", "none"}).exit_code, 0);
  std::istringstream gt(ReadAll(mot / probe.episode / "gt" / "gt.txt"));
  std::string first;
  std::getline(gt, first);
  char want[200];
  std::snprintf(want, sizeof want, "%d,%d,%.2f,%.2f,%.2f,%.2f,1,", probe.frame + 1, probe.det.id + 1, probe.det.box.x1,
                probe.det.box.y1, probe.det.box.Width(), probe.det.box.Height());
  EXPECT_EQ(first.rfind(want, 0), 0u) << first << " vs " << want;
  const std::string ini = ReadAll(mot / probe.episode / "seqinfo.ini");
  EXPECT_EQ(ini, "[Sequence]\nname=" + probe.episode + "\nimDir=img1\nframeRate=10\nseqLength=24\nimWidth=320\nimHeight=180\nimExt=.png\n");
  EXPECT_TRUE(fs::exists(mot / probe.episode / "img1" / "000001.png"));

  // YOLO: class cx cy w h normalised; data.yaml names.
  const fs::path yolo = dir_->path() / "yolo";
  ASSERT_EQ(RunCli({"export", p.string(), "--format", "yolo", "--out", yolo.string(), "--progress", "none",
                    "--valid-share", "0"}).exit_code, 0);
  std::istringstream yl(ReadAll(yolo / "labels" / "train" / (probe.episode + "_" + std::string(6 - std::to_string(probe.frame).size(), '0') + std::to_string(probe.frame) + ".txt")));
  int cls;
  double cx, cy, w, h;
  ASSERT_TRUE(yl >> cls >> cx >> cy >> w >> h);
  EXPECT_NEAR(cx, probe.det.box.CenterX() / 320.0, 1e-6);
  EXPECT_NEAR(cy, probe.det.box.CenterY() / 180.0, 1e-6);
  EXPECT_NEAR(w, probe.det.box.Width() / 320.0, 1e-6);
  const std::string yaml = ReadAll(yolo / "data.yaml");
  EXPECT_NE(yaml.find("  " + std::to_string(cls) + ": " + probe.det.label + "\n"), std::string::npos) << yaml;

  // CVAT for video 1.1: a track per ID with keyframes and an outside box where it ends.
  const fs::path cvat = dir_->path() / "cvat";
  ASSERT_EQ(RunCli({"export", p.string(), "--format", "cvat-video", "--out", cvat.string(), "--progress", "none"}).exit_code, 0);
  const std::string xml = ReadAll(cvat / probe.episode / "annotations.xml");
  EXPECT_NE(xml.find("<version>1.1</version>"), std::string::npos);
  EXPECT_NE(xml.find("<mode>interpolation</mode>"), std::string::npos);
  EXPECT_NE(xml.find("<track id=\"" + std::to_string(probe.det.id) + "\" label=\"" + probe.det.label + "\""), std::string::npos);
  EXPECT_NE(xml.find("outside=\"1\""), std::string::npos);
}

TEST_F(Export, CurationIsHonoured) {
  const fs::path p = Fresh("cur");
  ProjectStore store = ProjectStore::Open(p);
  const Probe probe = FirstTrackedBox(store);
  ASSERT_GE(probe.frame, 0);
  const std::string other = store.info().episodes[2].name;
  {
    EditJournal j(EditJournal::ProjectFile(p));
    const int excluded = probe.frame == 3 ? 4 : 3;
    j.Append(MakeExcludeFramesEdit(probe.episode, {excluded}, true));
    j.Append(MakeMoveBoxEdit(probe.episode, probe.frame, probe.det.id, {10, 20, 40, 60}));
    j.Append(MakeExcludeEpisodeEdit(other, true));
    j.Append(MakeFlagFrameEdit(probe.episode, probe.frame, true, "check the box"));
  }
  const fs::path out = dir_->path() / "cur-coco";
  const auto r = RunCli({"export", p.string(), "--format", "coco", "--out", out.string(), "--curated", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("left out by curation: 1 episode(s): " + other + ", 1 frame(s)"), std::string::npos) << r.out;
  const Json c = LoadJsonFile(out / "annotations.json");
  EXPECT_EQ(c["images"].size(), 2u * 24 - 1);
  const Json manifest = LoadJsonFile(out / "manifest.json");
  EXPECT_EQ(manifest["curation"]["excluded_episodes"], Json::array({other}));
  EXPECT_EQ(manifest["curation"]["excluded_frames"], 1);
  bool edited = false;
  for (const Json& img : c["images"]) {
    EXPECT_NE(img["video_id"], 3);
    if (img["frame_index"] == probe.frame && img["file_name"].get<std::string>().rfind(probe.episode, 0) == 0) {
      EXPECT_EQ(img["attributes"]["flag"], "check the box");
      for (const Json& a : c["annotations"]) {
        if (a["image_id"] == img["id"] && a["track_id"] == probe.det.id) {
          edited = true;
          EXPECT_EQ(a["bbox"], Json::array({10.0, 20.0, 30.0, 40.0}));
        }
      }
    }
  }
  EXPECT_TRUE(edited) << "the moved box is exported as moved";
  // Without --curated the journal is ignored.
  const fs::path raw = dir_->path() / "raw-coco";
  ASSERT_EQ(RunCli({"export", p.string(), "--format", "coco", "--out", raw.string(), "--progress", "none"}).exit_code, 0);
  EXPECT_EQ(LoadJsonFile(raw / "annotations.json")["images"].size(), 72u);
}

TEST_F(Export, BadInputIsAClearErrorAndNothingIsOverwritten) {
  const fs::path p = Fresh("bad");
  auto r = RunCli({"export", p.string(), "--format", "tfrecord", "--out", (dir_->path() / "x").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--format: unknown format 'tfrecord'"), std::string::npos) << r.err;
  r = RunCli({"export", p.string(), "--format", "coco", "--out", (dir_->path() / "no" / "such" / "dir").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  const fs::path taken = dir_->path() / "taken";
  fs::create_directory(taken);
  testing::WriteText(taken / "keep.txt", "mine");
  r = RunCli({"export", p.string(), "--format", "coco", "--out", taken.string(), "--progress", "none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already exists (use --force"), std::string::npos) << r.err;
  EXPECT_EQ(testing::ListDir(taken), std::vector<std::string>{"keep.txt"});
  r = RunCli({"export", p.string(), "--format", "coco", "--out", taken.string(), "--progress", "none", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(taken / "annotations.json"));
  r = RunCli({"export", p.string(), "--format", "coco", "--out", (dir_->path() / "y").string(), "--episodes", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no episode named 'nope'"), std::string::npos) << r.err;
}

TEST_F(Export, CancelledOrKilledExportLeavesNothing) {
  const fs::path p = Fresh("kill");
  const ProjectStore store = ProjectStore::Open(p);
  // Cancelled in process: nothing at --out, no staging left.
  ExportOptions o;
  o.format = "robomimic";
  o.out = dir_->path() / "cancel.hdf5";
  int calls = 0;
  EXPECT_THROW(RunExport(store, o, {}, [&] { return ++calls > 30; }), Cancelled);
  EXPECT_FALSE(fs::exists(o.out));
  for (const auto& e : fs::directory_iterator(dir_->path())) {
    EXPECT_EQ(e.path().filename().string().find(".cancel.hdf5"), std::string::npos) << e.path();
  }
  // Killed with SIGKILL once it has started writing (JSON progress on stdout): nothing at --out.
  const fs::path out = dir_->path() / "killed.hdf5";
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  const pid_t child = fork();
  if (child == 0) {
    ::dup2(pipefd[1], 1);
    ::close(pipefd[0]);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 2);
    execl(AUTOFOCUS_CLI_PATH, "autofocus", "export", p.c_str(), "--format", "robomimic", "--out", out.c_str(),
          "--progress", "json", static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(pipefd[1]);
  // Wait for the first progress line, then kill.
  std::string line;
  char ch;
  while (::read(pipefd[0], &ch, 1) == 1 && ch != '\n') line += ch;
  ::kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ::close(pipefd[0]);
  EXPECT_NE(line.find("\"progress\""), std::string::npos) << line;
  EXPECT_FALSE(fs::exists(out)) << "a killed export must leave nothing at --out";
  EXPECT_FALSE(fs::exists(out.string() + ".manifest.json"));
  // And the next export succeeds.
  EXPECT_EQ(RunCli({"export", p.string(), "--format", "robomimic", "--out", out.string(), "--progress", "none"}).exit_code, 0);
}

TEST(ExportUnits, GazeCoordsAndOptions) {
  Detection a, b;
  a.box = {0, 0, 2, 2};     // centre (1, 1)
  b.box = {317, 177, 319, 179};  // centre (318, 178)
  const auto g = GazeCoords({a, b}, 320, 180);
  ASSERT_EQ(g.size(), 10u);
  EXPECT_FLOAT_EQ(g[0], 1.f / 319);
  EXPECT_FLOAT_EQ(g[1], 1.f / 179);
  EXPECT_FLOAT_EQ(g[2], 318.f / 319);
  EXPECT_FLOAT_EQ(g[3], 178.f / 179);
  for (size_t i = 4; i < 10; ++i) EXPECT_EQ(g[i], -1.f);
  ExportOptions o;
  o.out = "x";
  EXPECT_NO_THROW(o.Check());
  o.saliency = "heat";
  EXPECT_THROW(o.Check(), Error);
  o = ExportOptions{};
  o.out = "x";
  o.valid_share = 1;
  EXPECT_THROW(o.Check(), Error);
  EXPECT_EQ(ExportFormats().size(), 7u);
}

}  // namespace
}  // namespace autofocus
