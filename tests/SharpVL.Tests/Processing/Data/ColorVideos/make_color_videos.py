"""Makes the colour-conversion test clips and records what PyAV 10 decodes from them.

Run once from this directory with Debian 12's ffmpeg 5.1 and python3-av (PyAV 10):

    /usr/bin/python3 make_color_videos.py

It writes the clips (small, a few frames each) and expected.json: for every clip the pixel format and colour tags,
and for every frame the SHA-256 and per-channel sums of PyAV's ``frame.to_ndarray(format="rgb24")``. The tests
(VideoColorConversionTests) decode the committed clips with SharpVL and compare; they never run Python.
For each tagged clip the script also checks that honouring the tag (what ffmpeg's automatic scaler does) gives
different pixels, so the clip really tests the conversion rule, and records the largest difference.
"""
import hashlib
import json
import os
import subprocess

import av
import numpy as np

FRAMES = 3


def clip(name, codec, pix_fmt, size, space=None, rng=None, extra=(), primaries=None, trc=None):
    return dict(name=name, codec=codec, pix_fmt=pix_fmt, size=size, space=space, range=rng, extra=list(extra),
                primaries=primaries, trc=trc)


X265 = ["-x265-params", "log-level=none"]
CLIPS = [
    # H.264: every common tag, both ranges, 4:2:0 / 4:2:2 / 4:4:4, 8 and 10 bit.
    clip("h264_yuv420p_untagged.mp4", "libx264", "yuv420p", "162x90"),
    clip("h264_yuv420p_bt709_tv.mp4", "libx264", "yuv420p", "162x90", "bt709", "tv", primaries="bt709", trc="bt709"),
    clip("h264_yuv420p_bt601_tv.mp4", "libx264", "yuv420p", "162x90", "smpte170m", "tv"),
    clip("h264_yuv420p_bt2020_tv.mp4", "libx264", "yuv420p", "162x90", "bt2020nc", "tv", primaries="bt2020"),
    clip("h264_yuvj420p_bt709_pc.mp4", "libx264", "yuvj420p", "162x90", "bt709", "pc"),
    clip("h264_yuv420p_unspecified_pc.mp4", "libx264", "yuv420p", "162x90", None, "pc"),
    clip("h264_yuv422p_bt709_tv.mp4", "libx264", "yuv422p", "162x90", "bt709", "tv"),
    clip("h264_yuv444p_bt2020_tv_odd.mp4", "libx264", "yuv444p", "161x91", "bt2020nc", "tv"),
    clip("h264_yuv420p10le_bt709_tv.mp4", "libx264", "yuv420p10le", "162x90", "bt709", "tv"),
    clip("h264_yuv420p10le_bt2020_pc.mkv", "libx264", "yuv420p10le", "162x90", "bt2020nc", "pc"),
    # HEVC
    clip("hevc_yuv420p_bt709_tv.mp4", "libx265", "yuv420p", "162x90", "bt709", "tv", X265),
    clip("hevc_yuv420p10le_bt2020_tv.mp4", "libx265", "yuv420p10le", "162x90", "bt2020nc", "tv", X265),
    clip("hevc_yuv422p10le_bt709_pc.mkv", "libx265", "yuv422p10le", "162x90", "bt709", "pc", X265),
    # VP9 (odd size: chroma edges), AV1
    clip("vp9_yuv420p_bt709_tv_odd.webm", "libvpx-vp9", "yuv420p", "161x91", "bt709", "tv"),
    clip("vp9_yuv444p_bt709_pc.webm", "libvpx-vp9", "yuv444p", "162x90", "bt709", "pc"),
    clip("vp9_yuv420p10le_bt2020_tv.webm", "libvpx-vp9", "yuv420p10le", "162x90", "bt2020nc", "tv"),
    clip("av1_yuv420p_bt709_tv.mkv", "libaom-av1", "yuv420p", "162x90", "bt709", "tv", ["-cpu-used", "8"]),
    # MPEG-4 part 2, MPEG-2, MJPEG, ProRes
    clip("mpeg4_yuv420p_bt709_tv.mkv", "mpeg4", "yuv420p", "162x90", "bt709", "tv", ["-q:v", "4"]),
    clip("mpeg4_yuv420p_untagged.avi", "mpeg4", "yuv420p", "162x90", None, None, ["-q:v", "4"]),
    clip("mpeg2_yuv420p_bt709_tv.ts", "mpeg2video", "yuv420p", "162x90", "bt709", "tv", ["-q:v", "4"]),
    clip("mjpeg_yuvj422p.avi", "mjpeg", "yuvj422p", "162x90", None, None, ["-q:v", "4"]),
    clip("prores_yuv422p10le_bt709_tv.mov", "prores_ks", "yuv422p10le", "162x90", "bt709", "tv", primaries="bt709", trc="bt709"),
    # FFV1 (lossless): the rarer pixel formats swscale treats differently, odd sizes.
    clip("ffv1_gray_bt709.mkv", "ffv1", "gray", "65x37", "bt709", "tv"),
    clip("ffv1_gray10le.mkv", "ffv1", "gray10le", "65x37"),
    clip("ffv1_yuv410p_bt709_tv.mkv", "ffv1", "yuv410p", "66x40", "bt709", "tv"),
    clip("ffv1_yuv411p_bt709_tv.mkv", "ffv1", "yuv411p", "66x37", "bt709", "tv"),
    clip("ffv1_yuv440p_bt709_tv_odd.mkv", "ffv1", "yuv440p", "65x37", "bt709", "tv"),
    clip("ffv1_yuva420p_bt709_tv.mkv", "ffv1", "yuva420p", "66x38", "bt709", "tv"),
    clip("ffv1_yuv420p_bt709_odd_height.mkv", "ffv1", "yuv420p", "66x37", "bt709", "tv"),
    clip("ffv1_yuv420p12le_bt2020_tv.mkv", "ffv1", "yuv420p12le", "66x38", "bt2020nc", "tv"),
    clip("ffv1_yuv444p16le_bt709_tv_odd.mkv", "ffv1", "yuv444p16le", "65x37", "bt709", "tv"),
    clip("ffv1_gbrp10le_pc.mkv", "ffv1", "gbrp10le", "66x38", None, "pc"),
]

# Display-matrix clips: stored landscape, tagged to be shown turned (PyAV ignores the tag).
ROTATED = [("rotate_90.mp4", "90"), ("rotate_180.mp4", "180"), ("rotate_270.mp4", "270")]


def run(args):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def encode(c):
    source = f"testsrc2=size={c['size']}:rate=10,noise=alls=12:allf=t+u"
    args = ["-f", "lavfi", "-i", source, "-frames:v", str(FRAMES), "-c:v", c["codec"], "-pix_fmt", c["pix_fmt"], *c["extra"]]
    if c["space"]:
        args += ["-colorspace", c["space"]]
    if c["range"]:
        args += ["-color_range", c["range"]]
    if c["primaries"]:
        args += ["-color_primaries", c["primaries"]]
    if c["trc"]:
        args += ["-color_trc", c["trc"]]
    run(args + [c["name"]])


def pyav_frames(path):
    with av.open(path) as container:
        stream = container.streams.video[0]
        out = []
        for frame in container.decode(stream):
            out.append((frame.format.name, frame.to_ndarray(format="rgb24")))
        return out, stream


def tag_honouring_frames(path, width, height):
    """ffmpeg's automatic scaler (honours colorspace and range tags): what SharpVL did before."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-noautorotate", "-i", path, "-map", "0:v:0", "-fps_mode", "passthrough",
                          "-sws_flags", "bilinear", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def probe_tags(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=codec_name,color_space,color_range", "-of", "json", path],
                         check=True, capture_output=True).stdout
    return json.loads(out)["streams"][0]


def describe(path):
    frames, stream = pyav_frames(path)
    tags = probe_tags(path)
    arrays = np.stack([a for _, a in frames])
    entry = {
        "file": path,
        "codec": tags.get("codec_name"),
        "pix_fmt": frames[0][0],
        "color_space": tags.get("color_space", "unknown"),
        "color_range": tags.get("color_range", "unknown"),
        "width": arrays.shape[2],
        "height": arrays.shape[1],
        "frames": [
            {"sha256": hashlib.sha256(a.tobytes()).hexdigest(), "channel_sums": [int(a[..., k].sum()) for k in range(3)]}
            for _, a in frames
        ],
    }
    honoured = tag_honouring_frames(path, arrays.shape[2], arrays.shape[1])
    if honoured.shape == arrays.shape:
        entry["tag_honouring_max_diff"] = int(np.abs(honoured.astype(int) - arrays.astype(int)).max())
    return entry


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    entries = []
    for c in CLIPS:
        encode(c)
        entry = describe(c["name"])
        # A clip tagged with another matrix must be sensitive to the rule (otherwise it tests nothing).
        if entry["color_space"] not in ("unknown", "smpte170m", "bt470bg") and entry["pix_fmt"].startswith("yuv"):
            assert entry["tag_honouring_max_diff"] > 0, c["name"]
        entries.append(entry)
        print(f"{c['name']:40s} {entry['pix_fmt']:12s} tag-honouring max diff {entry.get('tag_honouring_max_diff')}")
    for name, degrees in ROTATED:
        stored = "rotate_source.mp4"
        encode(clip(stored, "libx264", "yuv420p", "64x36", "bt709", "tv"))
        run(["-i", stored, "-c", "copy", "-metadata:s:v:0", f"rotate={degrees}", name])
        os.remove(stored)
        entry = describe(name)
        entry["rotate_tag"] = int(degrees)
        entries.append(entry)
    with open("expected.json", "w") as f:
        f.write('{"generator": "make_color_videos.py", "pyav": "%s", "clips": [\n' % av.__version__)
        f.write(",\n".join(json.dumps(e) for e in entries))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
