"""Writes pyav_past_damage.json: the rgb24 frames PyAV 10 decodes from damaged.mp4 when it goes on past the packet it
rejects (packet by packet, InvalidDataError caught), as SHA-256 of each frame's bytes. PyAV's own decode loop stops at
that packet (expected.json holds those 18 frames); SharpVL's readers go on, and these are the frames they must give.
Run once with Debian's python3-av (PyAV 10, FFmpeg 5.1): /usr/bin/python3 pyav_past_damage.py
"""
import hashlib
import json
import os

import av

here = os.path.dirname(os.path.abspath(__file__))
frames = []
rejected = 0
with av.open(os.path.join(here, "damaged.mp4")) as container:
    stream = container.streams.video[0]  # PyAV's defaults: thread_type SLICE, thread_count 0 (auto)
    thread_type = str(stream.thread_type)
    for packet in container.demux(stream):
        try:
            for frame in packet.decode():
                frames.append(hashlib.sha256(frame.to_ndarray(format="rgb24").tobytes()).hexdigest())
        except av.InvalidDataError:
            rejected += 1
with open(os.path.join(here, "pyav_past_damage.json"), "w") as out:
    json.dump({"file": "damaged.mp4", "pyav": av.__version__, "thread_type": thread_type,
               "rejected_packets": rejected, "frames_sha256": frames}, out, indent=1)
    out.write("\n")
