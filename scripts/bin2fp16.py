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

GGML_MAGIC = 0x67676D66

# rwkv.cpp's convert_pytorch_to_ggml.py keeps tensors whose names contain these in FP32.
KEEP_FP32 = ('.time_', '.k_k', '.k_a', '.r_k', '.x_rwkvag', '.x_k', '.w0', '.a0', '.v0')


class BadInput(Exception):
    """A problem with the input file, reported as one line."""


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


def convert_tensor(data, off, out):
    """Appends one tensor record at off to out (a list of bytes); returns the next off."""
    start = off
    if len(data) - off < 12:
        raise BadInput('truncated tensor header at byte %d' % start)
    ndim, klen, ttype = struct.unpack_from('<3i', data, off)
    off += 12
    if not 1 <= ndim <= 4 or not 1 <= klen < 1024:
        raise BadInput('bad tensor header at byte %d (%d dimensions, name of %d bytes)'
                       % (start, ndim, klen))
    if ttype not in (0, 1):
        raise BadInput('tensor at byte %d has data type %d (FP32 and FP16 supported)'
                       % (start, ttype))
    if len(data) - off < 4 * ndim + klen:
        raise BadInput('truncated tensor header at byte %d' % start)
    dims = struct.unpack_from('<%di' % ndim, data, off)
    raw_name = data[off + 4 * ndim:off + 4 * ndim + klen]
    off += 4 * ndim + klen
    try:
        name = raw_name.decode('utf-8')
    except UnicodeDecodeError:
        raise BadInput('tensor name at byte %d is not UTF-8' % (off - klen))
    if min(dims) < 1:
        raise BadInput("tensor '%s' has dimensions %s" % (name, list(dims)))
    numel = math.prod(dims)
    nbytes = numel * (4 if ttype == 0 else 2)
    if nbytes > len(data) - off:
        raise BadInput("tensor '%s' needs %d bytes but the file has %d left"
                       % (name, nbytes, len(data) - off))
    raw = data[off:off + nbytes]
    if ttype == 0 and wants_fp16(name, ndim):
        ttype, raw = 1, to_f16(raw, numel)
    out.append(struct.pack('<3i', ndim, klen, ttype))
    out.append(struct.pack('<%di' % ndim, *dims))
    out.append(raw_name)
    out.append(raw)
    return off + nbytes


def convert(data):
    """The FP16 file's bytes as a list of pieces."""
    if len(data) < 24:
        raise BadInput('file of %d bytes is too short for an rwkv.cpp header' % len(data))
    magic, version, n_vocab, n_embd, n_layer, dtype = struct.unpack_from('<6i', data, 0)
    if magic != GGML_MAGIC:
        raise BadInput('bad magic 0x%08x (not an rwkv.cpp file)' % (magic & 0xFFFFFFFF))
    if version not in (100, 101):
        raise BadInput('rwkv.cpp file version %d (100 and 101 supported)' % version)
    if dtype not in (0, 1):
        raise BadInput('file data type %d: only FP32 (0) and FP16 (1) files are supported'
                       % dtype)
    out = [struct.pack('<6i', magic, version, n_vocab, n_embd, n_layer, 1)]
    off = 24
    while off < len(data):
        off = convert_tensor(data, off, out)
    if len(out) == 1:
        raise BadInput('no tensors after the header')
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
