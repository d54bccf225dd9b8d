#!/usr/bin/env python3
"""bin2fp16.py IN.bin OUT.bin

Rewrites an rwkv.cpp FP32 model file as the FP16 file rwkv.cpp's own converter
would have written: header data type 1, matrices in FP16, and in FP32 every vector
and every tensor that converter keeps in FP32 (1-D tensors, the .time_* tensors,
7.0's k_k, k_a, r_k, x_rwkvag, x_k, w0, a0, v0). Names, shapes and tensor order
are kept. Standard library only; it reads no quantized file.
"""
import argparse
import math
import os
import struct
import sys

from rwkvcpp import BadInput, read_header, read_tensors

# rwkv.cpp's convert_pytorch_to_ggml.py keeps tensors whose names contain these in FP32.
KEEP_FP32 = ('.time_', '.k_k', '.k_a', '.r_k', '.x_rwkvag', '.x_k', '.w0', '.a0', '.v0')


def half_or_inf(v):
    try:
        return struct.pack('<e', v)
    except OverflowError:
        return struct.pack('<e', math.copysign(math.inf, v))


def to_f16(raw, numel):
    """float32 bytes to float16 bytes, rounding to nearest even like torch's half()."""
    values = struct.unpack('<%df' % numel, raw)
    try:
        return struct.pack('<%de' % numel, *values)
    except OverflowError:
        return b''.join(half_or_inf(v) for v in values)


def wants_fp16(name, ndim):
    return ndim > 1 and not any(s in name for s in KEEP_FP32)


def convert(data):
    """The FP16 file's bytes as a list of pieces."""
    h = read_header(data)
    out = [struct.pack('<6i', h.magic, h.version, h.n_vocab, h.n_embd, h.n_layer, 1)]
    for t in read_tensors(data):
        ttype, raw = t.ttype, t.raw
        if ttype == 0 and wants_fp16(t.name, len(t.dims)):
            ttype, raw = 1, to_f16(raw, t.numel)
        out.append(struct.pack('<3i', len(t.dims), len(t.raw_name), ttype))
        out.append(struct.pack('<%di' % len(t.dims), *t.dims))
        out.append(t.raw_name)
        out.append(raw)
    return out


def write_pieces(path, pieces):
    """Writes through path.tmp, so that path is never half written."""
    tmp = path + '.tmp'
    try:
        with open(tmp, 'wb') as f:
            for p in pieces:
                f.write(p)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main():
    ap = argparse.ArgumentParser(description='Rewrite an rwkv.cpp FP32 model file as FP16.')
    ap.add_argument('input', help='rwkv.cpp .bin (FP32)')
    ap.add_argument('output', help='FP16 .bin to write')
    args = ap.parse_args()
    try:
        with open(args.input, 'rb') as f:
            pieces = convert(f.read())
        write_pieces(args.output, pieces)
    except BadInput as e:
        sys.exit('bin2fp16.py: %s: %s' % (args.input, e))
    except OSError as e:
        sys.exit('bin2fp16.py: %s' % e)


if __name__ == '__main__':
    main()
