#!/usr/bin/env python3
"""bin2safetensors.py IN.bin OUT.safetensors [--dtype F32|F16|BF16]

Turns an rwkv.cpp model file (FP32 or FP16 tensors) back into the PyTorch state
dict it was converted from, written as safetensors: official tensor names and
shapes, with rwkv.cpp's value transforms, transposes, squeezes and the 7.0
x_rwkvag concatenation undone. It is an independent check of the C loader, so it
shares no code with it; standard library only. It does not read quantized files.
"""
import argparse
import array
import json
import math
import os
import struct
import sys

from rwkvcpp import BadInput, read_header, read_tensors


# ------------------------------------------------------------------ reading

def f32_array(raw):
    """Little-endian float32 bytes as an array('f')."""
    a = array.array('f')
    a.frombytes(raw)
    if sys.byteorder == 'big':
        a.byteswap()
    return a


def read_bin(path):
    """(header dict, [(name, PyTorch-order shape, array('f'))]) of an rwkv.cpp file."""
    with open(path, 'rb') as f:
        data = f.read()
    h = read_header(data)
    header = {'version': h.version, 'n_vocab': h.n_vocab, 'n_embd': h.n_embd,
              'n_layer': h.n_layer}
    tensors = []
    for t in read_tensors(data):
        if t.ttype == 0:
            values = f32_array(t.raw)
        else:
            values = array.array('f', struct.unpack('<%de' % t.numel, t.raw))
        tensors.append((t.name, tuple(reversed(t.dims)), values))
    return header, tensors


def detect_version(names):
    """The architecture version from the tensor names, as rwkv.cpp decides it."""
    for probe, version in (('blocks.0.att.k_k', '7.0'), ('blocks.0.att.time_maa_x', '6.0'),
                           ('blocks.0.att.gate.weight', '5.2'),
                           ('blocks.0.att.ln_x.weight', '5.1')):
        if probe in names:
            return version
    return '4'


# ------------------------------------------------------------- transforms

def transpose(values, rows, cols):
    """values is rows x cols row-major; returns its cols x rows transpose."""
    out = array.array('f')
    for j in range(cols):
        out.extend(values[j::cols])
    return out


def mapped(values, fn, name):
    try:
        return array.array('d', (fn(v) for v in values))
    except (ValueError, OverflowError):
        raise BadInput("tensor '%s' holds a value outside the range rwkv.cpp's "
                       "transform can produce" % name)


# Inverses of rwkv.cpp's value transforms. A stored value that rounded to the end
# of its range (0 or 1) maps to a t that gives it back exactly.
def undo_neg_exp(s):            # s = -exp(t)
    if s != s:
        return s
    if s == 0.0:
        return -110.0
    return math.log(-s)


def undo_exp_neg_exp(s):        # s = exp(-exp(t))
    if s != s:
        return s
    if s == 1.0:
        return -18.0
    if s == 0.0:
        return 4.7
    return math.log(-math.log(s))


def undo_exp(s):                # s = exp(t)
    if s != s:
        return s
    if s == 0.0:
        return -110.0
    return math.log(s)


def suffix_of(name):
    """'att.time_decay' for 'blocks.3.att.time_decay', None outside the blocks."""
    parts = name.split('.', 2)
    if len(parts) == 3 and parts[0] == 'blocks' and parts[1].isdigit():
        return parts[2]
    return None


def need_2d(name, shape):
    if len(shape) != 2:
        raise BadInput("tensor '%s' has shape %s, expected a matrix" % (name, list(shape)))
    return shape


def heads_shape(name, shape):
    """(H, N) from rwkv.cpp's (H, N, 1)."""
    dims = list(shape)
    while len(dims) > 2 and dims[-1] == 1:
        dims.pop()
    if len(dims) != 2:
        raise BadInput("tensor '%s' has shape %s, expected (heads, head size, 1)"
                       % (name, list(shape)))
    return tuple(dims)


MIX_NAMES = ('att.time_mix_k', 'att.time_mix_v', 'att.time_mix_r', 'att.time_mix_g',
             'att.time_maa_x', 'att.time_maa_w', 'att.time_maa_k', 'att.time_maa_v',
             'att.time_maa_r', 'att.time_maa_g', 'ffn.time_mix_k', 'ffn.time_mix_r',
             'ffn.time_maa_k', 'ffn.time_maa_r',
             'att.w0', 'att.a0', 'att.v0', 'att.k_k', 'att.k_a', 'ffn.x_k')
LOWRANK_7 = ('att.w1', 'att.w2', 'att.a1', 'att.a2', 'att.v1', 'att.v2', 'att.g1', 'att.g2')
X_RWKVAG = ('att.x_r', 'att.x_w', 'att.x_k', 'att.x_v', 'att.x_a', 'att.x_g')


def undo_v4_v5(version, suffix, name, shape, values):
    if suffix == 'att.time_decay':
        if version == '4':
            return [(name, (len(values),), mapped(values, undo_neg_exp, name))]
        vals = mapped(values, undo_exp_neg_exp, name)
        if version == '5.1':
            return [(name, (len(values),), vals)]
        return [(name, heads_shape(name, shape), vals)]
    if suffix == 'att.time_first' and version == '5.1':
        return [(name, (len(values),), mapped(values, undo_exp, name))]
    if suffix == 'att.time_faaaa':
        return [(name, heads_shape(name, shape), values)]
    return None


def undo_v6(suffix, name, shape, values, n_embd):
    if suffix in ('att.time_maa_w1', 'att.time_decay_w1', 'att.time_decay_w2'):
        rows, cols = need_2d(name, shape)
        return [(name, (cols, rows), transpose(values, rows, cols))]
    if suffix == 'att.time_maa_w2':
        if len(shape) != 3:
            raise BadInput("tensor '%s' has shape %s, expected (5, C, D)"
                           % (name, list(shape)))
        b, rows, cols = shape
        out = array.array('f')
        for i in range(b):
            out.extend(transpose(values[i * rows * cols:(i + 1) * rows * cols], rows, cols))
        return [(name, (b, cols, rows), out)]
    if suffix == 'att.time_decay':
        return [(name, (1, 1, len(values)), values)]
    if suffix == 'att.time_faaaa':
        return [(name, heads_shape(name, shape), values)]
    return None


def undo_v7(suffix, name, shape, values, n_embd):
    if suffix == 'att.x_rwkvag':
        if len(values) != 6 * n_embd:
            raise BadInput("tensor '%s' has %d values, expected 6 x n_embd = %d"
                           % (name, len(values), 6 * n_embd))
        prefix = name[:-len('att.x_rwkvag')]
        return [(prefix + x, (1, 1, n_embd), values[i * n_embd:(i + 1) * n_embd])
                for i, x in enumerate(X_RWKVAG)]
    if suffix in LOWRANK_7:
        rows, cols = need_2d(name, shape)
        return [(name, (cols, rows), transpose(values, rows, cols))]
    return None


def to_pytorch(version, name, shape, values, n_embd):
    """The PyTorch tensors [(name, shape, values)] one rwkv.cpp tensor came from."""
    suffix = suffix_of(name)
    out = None
    if suffix is not None:
        if version in ('4', '5.1', '5.2'):
            out = undo_v4_v5(version, suffix, name, shape, values)
        elif version == '6.0':
            out = undo_v6(suffix, name, shape, values, n_embd)
        else:
            out = undo_v7(suffix, name, shape, values, n_embd)
        if out is None and suffix in MIX_NAMES:
            out = [(name, (1, 1, len(values)), values)]
    return out if out is not None else [(name, shape, values)]


# ------------------------------------------------------------------ writing

def encode_f32(values):
    a = values if values.typecode == 'f' else array.array('f', values)
    if sys.byteorder == 'big':
        a = array.array('f', a)
        a.byteswap()
    return a.tobytes()


def half_or_inf(v):
    try:
        return struct.pack('<e', v)
    except OverflowError:
        return struct.pack('<e', math.copysign(math.inf, v))


def encode_f16(values):
    try:
        return struct.pack('<%de' % len(values), *values)
    except OverflowError:
        return b''.join(half_or_inf(v) for v in values)


def u32_code():
    for code in ('I', 'L'):
        if array.array(code).itemsize == 4:
            return code
    raise RuntimeError('no 32-bit array type')


def encode_bf16(values):
    """Round to nearest even from the float32 bits; NaN stays a quiet NaN."""
    bits = array.array(u32_code())
    bits.frombytes(array.array('f', values).tobytes())
    out = array.array('H', ((u >> 16) | 0x40 if (u & 0x7FFFFFFF) > 0x7F800000
                            else (u + 0x7FFF + ((u >> 16) & 1)) >> 16 for u in bits))
    if sys.byteorder == 'big':
        out.byteswap()
    return out.tobytes()


ENCODERS = {'F32': encode_f32, 'F16': encode_f16, 'BF16': encode_bf16}


def write_safetensors(path, tensors, dtype, source):
    """Writes [(name, shape, values)] in the given order, through path.tmp."""
    header = {'__metadata__': {'format': 'pt', 'source': source}}
    blobs, off = [], 0
    for name, shape, values in tensors:
        if name in header:
            raise BadInput("tensor '%s' appears twice" % name)
        blob = ENCODERS[dtype](values)
        header[name] = {'dtype': dtype, 'shape': list(shape),
                        'data_offsets': [off, off + len(blob)]}
        blobs.append(blob)
        off += len(blob)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    tmp = path + '.tmp'
    try:
        with open(tmp, 'wb') as f:
            f.write(struct.pack('<Q', len(text)))
            f.write(text)
            for blob in blobs:
                f.write(blob)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main():
    ap = argparse.ArgumentParser(description='Write the PyTorch state dict of an rwkv.cpp '
                                 'model file as safetensors.')
    ap.add_argument('input', help='rwkv.cpp .bin (FP32 or FP16)')
    ap.add_argument('output', help='safetensors file to write')
    ap.add_argument('--dtype', choices=sorted(ENCODERS), default='F32',
                    help='data type of every tensor in the output (default F32)')
    args = ap.parse_args()
    try:
        header, tensors = read_bin(args.input)
        version = detect_version({t[0] for t in tensors})
        out = []
        for name, shape, values in tensors:
            out.extend(to_pytorch(version, name, shape, values, header['n_embd']))
        write_safetensors(args.output, out, args.dtype,
                          'bin2safetensors.py, RWKV %s' % version)
    except BadInput as e:
        sys.exit('bin2safetensors.py: %s: %s' % (args.input, e))
    except OSError as e:
        sys.exit('bin2safetensors.py: %s' % e)


if __name__ == '__main__':
    main()
