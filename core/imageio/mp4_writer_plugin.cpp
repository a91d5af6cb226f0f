// MP4 encoding with FFmpeg's libraries (Debian 12: FFmpeg 5.1 with libx264, libsvtav1 and
// libaom): RGB or gray frames converted to yuv420p by libswscale, a 1/fps time base, a fixed
// keyframe interval and CRF, no B-frames (decoders seeking by timestamp, as LeRobot's do, get
// every frame with at most `gop` decodes).
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <cstdlib>
#include <vector>

#include "core/imageio/mp4_writer_plugin_api.h"

namespace {

using autofocus::mp4_plugin::Mp4Api;
using autofocus::mp4_plugin::Mp4Settings;

struct Writer {
  AVFormatContext* fmt = nullptr;
  AVCodecContext* enc = nullptr;
  AVStream* stream = nullptr;
  SwsContext* sws = nullptr;
  int sws_source = -1;  // AVPixelFormat the scaler was made for
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  int64_t next_pts = 0;
  bool header_written = false;
};

std::string AvError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

void Free(Writer* w) {
  if (!w) return;
  if (w->fmt && w->fmt->pb) avio_closep(&w->fmt->pb);
  avformat_free_context(w->fmt);
  avcodec_free_context(&w->enc);
  sws_freeContext(w->sws);
  av_frame_free(&w->frame);
  av_packet_free(&w->packet);
  delete w;
}

// Writes every packet the encoder has ready.
bool Drain(Writer* w, std::string* error) {
  for (;;) {
    const int r = avcodec_receive_packet(w->enc, w->packet);
    if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return true;
    if (r < 0) {
      *error = "encoding failed: " + AvError(r);
      return false;
    }
    av_packet_rescale_ts(w->packet, w->enc->time_base, w->stream->time_base);
    w->packet->stream_index = w->stream->index;
    const int wr = av_interleaved_write_frame(w->fmt, w->packet);
    if (wr < 0) {
      *error = "writing the MP4 failed: " + AvError(wr);
      return false;
    }
  }
}

void* Open(const std::string& path, const Mp4Settings& s, std::string* encoder,
           std::string* error) {
  av_log_set_level(AV_LOG_ERROR);  // x264's and the muxer's info lines are not our log
  setenv("SVT_LOG", "1", 0);       // SVT-AV1 prints its banner at its default level 3
  std::vector<std::string> names;
  if (s.codec == "h264") {
    names = {"libx264"};
  } else if (s.codec == "av1") {
    names = {"libsvtav1", "libaom-av1"};
  } else {
    *error = "unknown codec '" + s.codec + "' (expected h264 or av1)";
    return nullptr;
  }
  const AVCodec* codec = nullptr;
  for (const auto& n : names) {
    if ((codec = avcodec_find_encoder_by_name(n.c_str()))) break;
  }
  if (!codec) {
    *error = "this FFmpeg (libavcodec " + std::string(AV_STRINGIFY(LIBAVCODEC_VERSION)) +
             ") has no " + names.front() + " encoder";
    return nullptr;
  }
  auto* w = new Writer;
  int r = avformat_alloc_output_context2(&w->fmt, nullptr, "mp4", path.c_str());
  if (r < 0 || !w->fmt) {
    *error = "cannot create the MP4 muxer: " + AvError(r);
    Free(w);
    return nullptr;
  }
  w->stream = avformat_new_stream(w->fmt, nullptr);
  w->enc = avcodec_alloc_context3(codec);
  w->frame = av_frame_alloc();
  w->packet = av_packet_alloc();
  if (!w->stream || !w->enc || !w->frame || !w->packet) {
    *error = "out of memory";
    Free(w);
    return nullptr;
  }
  w->enc->width = s.width;
  w->enc->height = s.height;
  w->enc->pix_fmt = AV_PIX_FMT_YUV420P;
  w->enc->time_base = AVRational{1, s.fps};
  w->enc->framerate = AVRational{s.fps, 1};
  w->enc->gop_size = s.gop;
  w->enc->max_b_frames = 0;
  if (w->fmt->oformat->flags & AVFMT_GLOBALHEADER) w->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "crf", std::to_string(s.crf).c_str(), 0);
  r = avcodec_open2(w->enc, codec, &opts);
  av_dict_free(&opts);
  if (r < 0) {
    *error = std::string("cannot open the ") + codec->name + " encoder: " + AvError(r);
    Free(w);
    return nullptr;
  }
  avcodec_parameters_from_context(w->stream->codecpar, w->enc);
  w->stream->time_base = w->enc->time_base;
  w->stream->avg_frame_rate = w->enc->framerate;
  w->frame->format = AV_PIX_FMT_YUV420P;
  w->frame->width = s.width;
  w->frame->height = s.height;
  if ((r = av_frame_get_buffer(w->frame, 0)) < 0 ||
      (r = avio_open(&w->fmt->pb, path.c_str(), AVIO_FLAG_WRITE)) < 0) {
    *error = "cannot create the file: " + AvError(r);
    Free(w);
    return nullptr;
  }
  if ((r = avformat_write_header(w->fmt, nullptr)) < 0) {
    *error = "cannot write the MP4 header: " + AvError(r);
    Free(w);
    return nullptr;
  }
  w->header_written = true;
  *encoder = codec->name;
  return w;
}

bool Write(void* handle, const cv::Mat& image, std::string* error) {
  auto* w = static_cast<Writer*>(handle);
  const AVPixelFormat src = image.type() == CV_8UC1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24;
  if ((image.type() != CV_8UC1 && image.type() != CV_8UC3) || image.cols != w->enc->width ||
      image.rows != w->enc->height) {
    *error = "frame is not 8-bit RGB or gray of the opened size";
    return false;
  }
  if (!w->sws || w->sws_source != src) {
    sws_freeContext(w->sws);
    w->sws = sws_getContext(image.cols, image.rows, src, w->enc->width, w->enc->height,
                            AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP,
                            nullptr, nullptr, nullptr);
    w->sws_source = src;
    if (!w->sws) {
      *error = "cannot convert to yuv420p";
      return false;
    }
  }
  int r = av_frame_make_writable(w->frame);
  if (r < 0) {
    *error = AvError(r);
    return false;
  }
  const uint8_t* planes[1] = {image.data};
  const int strides[1] = {static_cast<int>(image.step[0])};
  sws_scale(w->sws, planes, strides, 0, image.rows, w->frame->data, w->frame->linesize);
  w->frame->pts = w->next_pts++;
  if ((r = avcodec_send_frame(w->enc, w->frame)) < 0) {
    *error = "encoding failed: " + AvError(r);
    return false;
  }
  return Drain(w, error);
}

bool Finish(void* handle, std::string* error) {
  auto* w = static_cast<Writer*>(handle);
  bool ok = avcodec_send_frame(w->enc, nullptr) >= 0 && Drain(w, error);
  if (ok) {
    const int r = av_write_trailer(w->fmt);
    if (r < 0) {
      *error = "cannot finish the MP4: " + AvError(r);
      ok = false;
    }
  }
  Free(w);
  return ok;
}

void Discard(void* handle) {
  Free(static_cast<Writer*>(handle));
}

int64_t Bytes(void* handle) {
  auto* w = static_cast<Writer*>(handle);
  return w->fmt && w->fmt->pb ? avio_tell(w->fmt->pb) : 0;
}

const Mp4Api kApi = {autofocus::mp4_plugin::kMp4AbiVersion, Open, Write, Finish, Discard, Bytes};

}  // namespace

extern "C" __attribute__((visibility("default"))) const Mp4Api* autofocus_mp4_plugin_api() {
  return &kApi;
}
