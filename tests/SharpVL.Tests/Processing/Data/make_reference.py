"""Regenerates the reference data in this folder with the oracle's library versions.

Run with Debian 12's python3 (python3-pil 9.4.0, python3-numpy 1.24.2, the versions of tests/fixtures):
    /usr/bin/python3 make_reference.py
Writes pil_resize.json (Image.resize on random L/RGB/RGBA images, every filter, up/down/one-axis),
pil_resize_large.json (computed inputs large enough for the multi-threaded path, SHA-256 of the outputs),
pil_decode.json (images encoded and decoded by PIL: JPEG 4:2:0/4:4:4/grey/progressive, PNG palette/LA/RGBA,
BMP, WebP lossless) and numpy_sampling.json (np.random.seed + randint, and the Transformers docs'
sample_frame_indices helper).
"""
import base64, hashlib, io, json
import numpy as np
from PIL import Image, ImageOps

def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()

MODES = {1: "L", 3: "RGB", 4: "RGBA"}

def resize_cases():
    rng = np.random.default_rng(1234)
    shapes = [(17, 23), (11, 14), (1, 12), (20, 2)]
    targets = lambda h, w: [(h // 2 + 1, w // 3 + 1), (h * 2 + 1, w + 5), (h, w + 7), (h + 3, w), (max(1, h - 4), max(1, w - 5)), (5, 5)]
    cases = []
    for (h, w) in shapes:
        for ch in (1, 3, 4):
            shape = (h, w) if ch == 1 else (h, w, ch)
            img = rng.integers(0, 256, size=shape, dtype=np.uint8)
            if ch == 4:
                img[..., 3] = rng.choice([0, 255, 1, 128, 77], size=(h, w))
            pil = Image.fromarray(img, MODES[ch])
            for f in (0, 1, 2, 3, 4, 5):
                for (th, tw) in targets(h, w):
                    out = np.array(pil.resize((tw, th), resample=f))
                    cases.append({"h": h, "w": w, "c": ch, "filter": f, "th": th, "tw": tw,
                                  "input": b64(img), "expected": b64(out)})
    return cases

def formula_image(h, w, ch):
    """Large inputs are computed, not stored: v = (3x^2 + 5y + 77c + (x*y mod 31)) mod 256."""
    y, x, c = np.meshgrid(np.arange(h), np.arange(w), np.arange(ch), indexing="ij")
    img = ((3 * x * x + 5 * y + 77 * c + (x * y) % 31) % 256).astype(np.uint8)
    return img[..., 0] if ch == 1 else img

def large_resize_cases():
    """Big enough for the multi-threaded passes; outputs stored as SHA-256 of the bytes."""
    cases = []
    for (h, w, ch, th, tw, f) in ((480, 640, 3, 75, 100, 2), (480, 640, 3, 224, 298, 3), (90, 120, 3, 300, 400, 2),
                                  (90, 120, 4, 300, 400, 3), (300, 200, 1, 600, 123, 1), (720, 1280, 3, 224, 398, 2)):
        img = formula_image(h, w, ch)
        out = np.ascontiguousarray(np.array(Image.fromarray(img, MODES[ch]).resize((tw, th), resample=f)))
        cases.append({"h": h, "w": w, "c": ch, "th": th, "tw": tw, "filter": f, "sha256": hashlib.sha256(out.tobytes()).hexdigest()})
    return cases

def decode_cases():
    rng = np.random.default_rng(99)
    y, x = np.mgrid[0:37, 0:45]
    smooth = np.stack([(x * 5) % 256, (y * 7) % 256, ((x + y) * 3) % 256], -1).astype(np.uint8)
    noisy = np.clip(smooth.astype(int) + rng.integers(-30, 30, size=smooth.shape), 0, 255).astype(np.uint8)
    rgba = np.concatenate([noisy, rng.integers(0, 256, size=(37, 45, 1), dtype=np.uint8)], -1)
    out = []
    def add(name, im, fmt, **kw):
        buf = io.BytesIO()
        im.save(buf, fmt, **kw)
        dec = Image.open(io.BytesIO(buf.getvalue()))
        dec.load()
        dec = ImageOps.exif_transpose(dec)  # what transformers' load_image does
        arr = np.array(dec.convert("RGB")) if dec.mode in ("P", "LA") else np.array(dec)
        out.append({"name": name, "file": base64.b64encode(buf.getvalue()).decode(), "mode": dec.mode,
                    "h": arr.shape[0], "w": arr.shape[1], "c": 1 if arr.ndim == 2 else arr.shape[2], "expected": b64(arr)})
    add("jpeg_420", Image.fromarray(noisy), "JPEG", quality=85)
    add("jpeg_444", Image.fromarray(noisy), "JPEG", quality=95, subsampling=0)
    add("jpeg_422", Image.fromarray(noisy), "JPEG", quality=75, subsampling=1)
    add("jpeg_progressive", Image.fromarray(noisy), "JPEG", quality=80, progressive=True)
    add("jpeg_grey", Image.fromarray(noisy[..., 0]), "JPEG", quality=90)
    add("png_rgb", Image.fromarray(noisy), "PNG")
    add("png_rgba", Image.fromarray(rgba, "RGBA"), "PNG")
    add("png_grey", Image.fromarray(noisy[..., 1]), "PNG")
    add("png_palette", Image.fromarray(noisy).quantize(16), "PNG")
    add("png_la", Image.fromarray(rgba[..., 2:4].copy(), "LA"), "PNG")
    add("bmp_rgb", Image.fromarray(noisy), "BMP")
    add("webp_lossless", Image.fromarray(noisy), "WEBP", lossless=True)
    for orientation in (3, 6, 8):
        exif = Image.Exif()
        exif[0x0112] = orientation
        add(f"jpeg_exif_orientation_{orientation}", Image.fromarray(noisy), "JPEG", quality=90, exif=exif.tobytes())
    return out

def sample_frame_indices(clip_len, frame_sample_rate, seg_len):
    converted_len = int(clip_len * frame_sample_rate)
    end_idx = np.random.randint(converted_len, seg_len)
    start_idx = end_idx - converted_len
    indices = np.linspace(start_idx, end_idx, num=clip_len)
    indices = np.clip(indices, start_idx, end_idx - 1).astype(np.int64)
    return indices

def sampling_cases():
    cases = []
    for seed in (0, 1, 42, 2**32 - 1, 123456789):
        for (lo, hi) in ((0, 10), (5, 6), (0, 300), (-7, 1000), (0, 2**31), (0, 2**33 + 5)):
            np.random.seed(seed)
            cases.append({"kind": "randint", "seed": seed, "low": lo, "high": hi,
                          "values": [int(v) for v in np.random.randint(lo, hi, size=6)]})
        for (clip_len, rate, seg_len) in ((8, 1, 300), (16, 4, 65), (4, 4, 48), (32, 2, 1000), (1, 3, 10), (7, 3, 22)):
            np.random.seed(seed)
            cases.append({"kind": "sample_frame_indices", "seed": seed, "clip_len": clip_len, "frame_sample_rate": rate,
                          "seg_len": seg_len, "values": [int(v) for v in sample_frame_indices(clip_len, rate, seg_len)]})
    return cases

if __name__ == "__main__":
    with open("pil_resize.json", "w") as f:
        json.dump(resize_cases(), f)
    with open("pil_resize_large.json", "w") as f:
        json.dump(large_resize_cases(), f, indent=0)
    with open("pil_decode.json", "w") as f:
        json.dump(decode_cases(), f)
    with open("numpy_sampling.json", "w") as f:
        json.dump(sampling_cases(), f, indent=0)
