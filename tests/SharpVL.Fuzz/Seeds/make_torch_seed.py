#!/usr/bin/python3
"""Makes torch_small.bin once (Debian python3-torch 1.13): six small tensors of the X-CLIP fixture checkpoint plus the
layouts torch.save produces for views (transposed strides, a slice with a storage offset sharing its storage), float16,
int64 and a 0-d tensor. The fuzzer mutates this seed; tests never need Python."""
import collections
import torch

state = torch.load("tests/fixtures/models/xclip-tiny/pytorch_model.bin", map_location="cpu")
small = collections.OrderedDict()
for key, tensor in state.items():
    if tensor.numel() <= 256 and len(small) < 6:
        small[key] = tensor.clone()
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
small["view.transposed"] = base.t()
small["view.slice"] = base[1:3]
small["half"] = torch.arange(6, dtype=torch.float16)
small["long"] = torch.arange(5, dtype=torch.int64)
small["scalar"] = torch.tensor(3.5)
torch.save(small, "tests/SharpVL.Fuzz/Seeds/torch_small.bin")
