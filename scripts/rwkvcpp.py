"""rwkvcpp.py - reading rwkv.cpp model files (.bin), shared by bin2fp16.py and
bin2safetensors.py. Standard library only. It checks the header and walks the
tensor records (FP32 and FP16 only; no quantized files), raising BadInput with a
one-line message for anything malformed. It shares no code with the C loader.
"""
import collections
import math
import struct

GGML_MAGIC = 0x67676D66

Header = collections.namedtuple('Header', 'magic version n_vocab n_embd n_layer dtype')

# One tensor record: dims in ggml order (innermost first), raw_name the name's
# bytes as stored, ttype 0 (FP32) or 1 (FP16), raw the data bytes as stored.
Tensor = collections.namedtuple('Tensor', 'name raw_name ttype dims numel raw')


class BadInput(Exception):
    """A problem with the input file, reported as one line."""


def read_header(data):
    """The checked 24-byte file header of data, as a Header."""
    if len(data) < 24:
        raise BadInput('file of %d bytes is too short for an rwkv.cpp header' % len(data))
    header = Header(*struct.unpack_from('<6i', data, 0))
    if header.magic != GGML_MAGIC:
        raise BadInput('bad magic 0x%08x (not an rwkv.cpp file)' % (header.magic & 0xFFFFFFFF))
    if header.version not in (100, 101):
        raise BadInput('rwkv.cpp file version %d (100 and 101 supported)' % header.version)
    if header.dtype not in (0, 1):
        raise BadInput('file data type %d: only FP32 (0) and FP16 (1) files are supported'
                       % header.dtype)
    return header


def read_tensor(data, off):
    """(Tensor, next off) of the tensor record at byte off of data."""
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
    off += 4 * ndim
    raw_name = data[off:off + klen]
    try:
        name = raw_name.decode('utf-8')
    except UnicodeDecodeError:
        raise BadInput('tensor name at byte %d is not UTF-8' % off)
    off += klen
    if min(dims) < 1:
        raise BadInput("tensor '%s' has dimensions %s" % (name, list(dims)))
    numel = math.prod(dims)
    nbytes = numel * (4 if ttype == 0 else 2)
    if nbytes > len(data) - off:
        raise BadInput("tensor '%s' needs %d bytes but the file has %d left"
                       % (name, nbytes, len(data) - off))
    return Tensor(name, raw_name, ttype, dims, numel, data[off:off + nbytes]), off + nbytes


def read_tensors(data):
    """Yields the Tensor records after the header, in file order; BadInput when a
    record is bad or there are none."""
    off, count = 24, 0
    while off < len(data):
        tensor, off = read_tensor(data, off)
        count += 1
        yield tensor
    if not count:
        raise BadInput('no tensors after the header')
