#pragma once

#include <memory>

#include "core/export/export.h"

// The format writers behind MakeExporter() (one .cpp per family).

namespace autofocus {

// robomimic / LIBERO / MimicGen style HDF5 (what AutoFocus-IL's own loader reads).
std::unique_ptr<Exporter> MakeRobomimicExporter();
// Plain folders, re-importable with `autofocus import folder`.
std::unique_ptr<Exporter> MakeFolderExporter();
// COCO detection JSON with track_id / key attributes (CVAT, Datumaro, FiftyOne, X-AnyLabeling).
std::unique_ptr<Exporter> MakeCocoExporter();
// MOTChallenge sequences (gt/gt.txt, seqinfo.ini, labels.txt).
std::unique_ptr<Exporter> MakeMotExporter();
// CVAT for video 1.1 XML, one task per episode.
std::unique_ptr<Exporter> MakeCvatVideoExporter();
// YOLO txt labels with data.yaml.
std::unique_ptr<Exporter> MakeYoloExporter();
// LeRobot v3.0 datasets: Parquet tables (core/parquet) and MP4 videos (FFmpeg).
std::unique_ptr<Exporter> MakeLeRobotExporter();

// Shared by the writers: the sorted distinct labels of every tracked box of the episodes.
std::vector<std::string> ExportLabels(const std::vector<ExportEpisode>& episodes);
// The frame `bgr` (gray, BGR or BGRA as frame sources give them) as continuous RGB.
cv::Mat ToRgb(const cv::Mat& bgr);
// Writes the frame `image` (BGR) as a PNG file, Error naming the file on failure.
void WriteFramePng(const std::filesystem::path& file, const cv::Mat& image);

}  // namespace autofocus
