#!/usr/bin/env python3
"""Compares two logits files (little-endian float32, same size): prints the max
absolute difference and the element count; exits 1 when they differ in size or
the difference exceeds --max-abs. Standard library only."""
import argparse
import array
import math
import sys


def load(path):
    a = array.array("f")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) % 4:
        sys.exit(f"cmp_logits: {path}: size {len(data)} is not a multiple of 4")
    a.frombytes(data)
    if sys.byteorder != "little":
        a.byteswap()
    return a


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--max-abs", type=float, default=None)
    args = p.parse_args()
    a, b = load(args.a), load(args.b)
    if len(a) != len(b):
        print(f"cmp_logits: {args.a} has {len(a)} floats, {args.b} has {len(b)}")
        return 1
    worst = 0.0
    for x, y in zip(a, b):
        d = abs(x - y)
        if math.isnan(d):
            worst = math.inf
            break
        worst = max(worst, d)
    print(f"max_abs_diff: {worst:.6g} over {len(a)} floats")
    return 1 if args.max_abs is not None and worst > args.max_abs else 0


if __name__ == "__main__":
    sys.exit(main())
