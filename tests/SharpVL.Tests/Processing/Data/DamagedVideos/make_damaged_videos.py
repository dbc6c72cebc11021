#!/usr/bin/python3
"""Makes the damaged H.264 clips of this folder and records what PyAV 10 (Debian python3-av) does with them.

Run once with Debian's /usr/bin/python3 (PyAV 10) and ffmpeg; the tests only read the committed clips and expected.json.
Clips (96x64, 12 fps, 48 frames announced, a keyframe every 12 frames, no B-frames):
  clean.mp4        the intact encode, for comparison;
  damaged.mp4      packet 18's NAL length prefix made absurd (the decoder rejects the packet: PyAV raises
                   InvalidDataError, the ffmpeg CLI drops the frame, 47 of 48 frames decode) and packet 30's slice
                   data garbled (decoded with concealed errors);
  undecodable.mp4  every packet's NAL length prefix made absurd (the container is fine, no frame decodes).
"""
import hashlib, json, subprocess
import av

W, H, FPS, SECONDS = 96, 64, 12, 4

def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout

run("ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate={FPS}:duration={SECONDS}",
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "0", "-x264-params", f"keyint={FPS}:min-keyint={FPS}:scenecut=0",
    "-movflags", "+faststart", "clean.mp4")
packets = [tuple(int(v) for v in line.split(",")[1:3]) for line in
           run("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=size,pos", "-of", "csv", "clean.mp4").split()]
clean = open("clean.mp4", "rb").read()

damaged = bytearray(clean)
size, pos = packets[18]
damaged[pos:pos + 4] = b"\xff\xff\xff\xf0"
size, pos = packets[30]
for i in range(pos + 60, pos + 260):
    damaged[i] = (i * 37) & 0xFF
open("damaged.mp4", "wb").write(damaged)

undecodable = bytearray(clean)
for size, pos in packets:
    undecodable[pos:pos + 4] = b"\xff\xff\xff\xf0"
open("undecodable.mp4", "wb").write(undecodable)

def pyav(path):
    frames, error = [], None
    with av.open(path) as container:
        announced = container.streams.video[0].frames
        try:
            for frame in container.decode(video=0):
                frames.append(hashlib.sha256(frame.to_ndarray(format="rgb24").tobytes()).hexdigest())
        except av.AVError as e:
            error = type(e).__name__
    return {"announced_frames": announced, "pyav_frames_before_error": len(frames), "pyav_error": error, "frames_sha256": frames}

def ffmpeg_frames(path):
    out = subprocess.run(["ffmpeg", "-v", "quiet", "-nostdin", "-i", path, "-max_error_rate", "1", "-f", "framemd5", "-"],
                         capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line and not line.startswith("#"))

expected = {name: dict(pyav(name), ffmpeg_decodable_frames=ffmpeg_frames(name)) for name in ("clean.mp4", "damaged.mp4", "undecodable.mp4")}
json.dump(expected, open("expected.json", "w"), indent=1)
for name, e in expected.items():
    print(name, e["announced_frames"], e["pyav_frames_before_error"], e["pyav_error"], e["ffmpeg_decodable_frames"])
