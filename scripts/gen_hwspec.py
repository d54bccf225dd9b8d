#!/usr/bin/env python3
"""gen_hwspec.py - generates the card's host interface from spec/rwkvacc_hw.json.

spec/rwkvacc_hw.json is the one source of truth for configuration, memory
regions, registers, the 128-bit instruction encoding, opcodes and error codes.
This script validates it and writes:

  include/rwkvacc_hw.h        C11 #defines and static inline encode/decode helpers
                              (C, C++, HLS C and the driver)
  rtl/include/rwkvacc_hw.svh  the same constants as localparams of the
                              SystemVerilog package rwkvacc_hw_pkg (reference them
                              as rwkvacc_hw_pkg::NAME: Yosys rejects import pkg::*)
  docs/regmap.md              the tables for people

Usage: gen_hwspec.py            validate, then write the files (paths relative to the repo)
       gen_hwspec.py --check    regenerate into a temporary folder; exit 1 and name
                                each committed file that differs (stale outputs)
An invalid spec exits 1 with one line naming the problem.
"""
import argparse
import filecmp
import json
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = "spec/rwkvacc_hw.json"
HEADER = "include/rwkvacc_hw.h"
SVH = "rtl/include/rwkvacc_hw.svh"
DOC = "docs/regmap.md"
ACCESS = ("RO", "RW", "WO", "RW1C")
IDENT = re.compile(r"^[A-Z][A-Z0-9_]*$")


class SpecError(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise SpecError(msg)


def is_uint(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def mask(lsb, width):
    return ((1 << width) - 1) << lsb


def check_fields(where, fields, word_bits=32):
    """Fields: names unique, within word_bits, non-overlapping."""
    used, names = 0, set()
    for f in fields:
        name = f.get("name")
        need(isinstance(name, str) and IDENT.match(name), "%s: bad field name %r" % (where, name))
        need(name not in names, "%s: duplicate field %s" % (where, name))
        names.add(name)
        lsb, width = f.get("lsb"), f.get("width")
        need(is_uint(lsb) and is_uint(width) and width >= 1,
             "%s.%s: lsb and width must be integers, width >= 1" % (where, name))
        need(lsb + width <= word_bits, "%s.%s: bits [%d:%d] beyond %d bits"
             % (where, name, lsb + width - 1, lsb, word_bits))
        m = mask(lsb, width)
        need(not (used & m), "%s.%s: overlaps another field" % (where, name))
        used |= m
    return used


def field_value(spec, cfg, reg, f):
    """The reset value of one field: a config name, log2:NAME or spec_version:I."""
    v = f.get("value", 0)
    where = "%s.%s" % (reg, f["name"])
    if is_uint(v):
        return v
    need(isinstance(v, str), "%s: bad value %r" % (where, v))
    if v.startswith("log2:"):
        name = v[5:]
        need(name in cfg, "%s: unknown config %s" % (where, name))
        x = cfg[name]
        need(x > 0 and x & (x - 1) == 0, "%s: config %s = %d is not a power of two" % (where, name, x))
        return x.bit_length() - 1
    if v.startswith("spec_version:"):
        i = v[13:]
        need(i in ("0", "1"), "%s: bad %s" % (where, v))
        return spec["spec_version"][int(i)]
    need(v in cfg, "%s: unknown config %s" % (where, v))
    return cfg[v]


def validate(spec):
    """Checks the spec and returns a model: every value the writers need, computed."""
    sv = spec.get("spec_version")
    need(isinstance(sv, list) and len(sv) == 2 and all(is_uint(x) and x < 65536 for x in sv),
         "spec_version must be [major, minor]")
    cfg = {}
    for c in spec.get("config", []):
        name = c.get("name")
        need(isinstance(name, str) and IDENT.match(name), "config: bad name %r" % (name,))
        need(name not in cfg, "config: duplicate %s" % name)
        need(is_uint(c.get("value")) and c["value"] < 1 << 32, "config %s: value must fit 32 bits" % name)
        cfg[name] = c["value"]

    ins = spec.get("instruction", {})
    words = ins.get("words")
    need(is_uint(words) and words >= 1, "instruction: bad words")
    ifields = ins.get("fields", [])
    for w in range(words):
        check_fields("instruction word %d" % w, [f for f in ifields if f.get("word") == w])
    names = set()
    for f in ifields:
        need(is_uint(f.get("word")) and f["word"] < words,
             "instruction.%s: word %r beyond %d words" % (f.get("name"), f.get("word"), words))
        need(f["name"] not in names, "instruction: duplicate field %s" % f["name"])
        names.add(f["name"])
    ifield = {f["name"]: f for f in ifields}

    seen = {}
    for r in spec.get("regions", []):
        need(isinstance(r.get("name"), str) and IDENT.match(r["name"]), "regions: bad name %r" % (r.get("name"),))
        need(is_uint(r.get("id")), "region %s: bad id" % r["name"])
        need(r["id"] not in seen, "region %s: id %d also used by %s" % (r["name"], r["id"], seen.get(r["id"])))
        need(r.get("access") in ACCESS, "region %s: bad access %r" % (r["name"], r.get("access")))
        seen[r["id"]] = r["name"]
        if "N_REGIONS" in cfg:
            need(r["id"] < cfg["N_REGIONS"], "region %s: id %d >= N_REGIONS" % (r["name"], r["id"]))
        if "REGION" in ifield:
            need(r["id"] < 1 << ifield["REGION"]["width"], "region %s: id does not fit instruction REGION" % r["name"])
    need(len(set(r["name"] for r in spec.get("regions", []))) == len(seen), "regions: duplicate name")

    regs, offsets = [], {}
    for r in spec.get("registers", []):
        name = r.get("name")
        need(isinstance(name, str) and IDENT.match(name), "registers: bad name %r" % (name,))
        need(all(x["name"] != name for x in regs), "registers: duplicate %s" % name)
        need(r.get("access") in ACCESS, "register %s: bad access %r" % (name, r.get("access")))
        off = r.get("offset")
        need(is_uint(off) and off % 4 == 0, "register %s: offset %r not 4-aligned" % (name, off))
        count, stride = r.get("count", 1), r.get("stride", 4)
        need(is_uint(count) and count >= 1, "register %s: bad count" % name)
        need(is_uint(stride) and stride % 4 == 0 and stride >= 4, "register %s: stride %r not a multiple of 4" % (name, stride))
        for n in range(count):
            o = off + n * stride
            label = "%s(%d)" % (name, n) if "count" in r else name
            need(o < 1 << 32, "register %s: offset beyond 32 bits" % label)
            need(o not in offsets, "register %s: offset 0x%x also used by %s" % (label, o, offsets.get(o)))
            offsets[o] = label
        fields = r.get("fields", [])
        used = check_fields("register " + name, fields)
        rst = r.get("reset")
        fvals = []
        if rst == "fields":
            need(fields, "register %s: reset \"fields\" without fields" % name)
            rst = 0
            for f in fields:
                v = field_value(spec, cfg, name, f)
                need(v < 1 << f["width"], "register %s.%s: reset value %d does not fit %d bits" % (name, f["name"], v, f["width"]))
                fvals.append(v)
                rst |= v << f["lsb"]
        else:
            need(is_uint(rst) and rst < 1 << 32, "register %s: reset %r does not fit 32 bits" % (name, rst))
            need(not fields or not rst & ~used, "register %s: reset sets bits outside its fields" % name)
            for f in fields:
                need("value" not in f, "register %s.%s: value without reset \"fields\"" % (name, f["name"]))
                fvals.append((rst >> f["lsb"]) & ((1 << f["width"]) - 1))
        regs.append(dict(r, reset_value=rst, count=count, stride=stride, array="count" in r,
                         field_resets=fvals))

    def codes(key, limit_field, limit_bits):
        out, by_code = [], {}
        for o in spec.get(key, []):
            name, code = o.get("name"), o.get("code")
            need(isinstance(name, str) and IDENT.match(name), "%s: bad name %r" % (key, name))
            need(all(x["name"] != name for x in out), "%s: duplicate name %s" % (key, name))
            need(is_uint(code), "%s %s: bad code" % (key, name))
            need(code not in by_code, "%s %s: code %d also used by %s" % (key, name, code, by_code.get(code)))
            need(code < 1 << limit_bits, "%s %s: code %d does not fit %s (%d bits)" % (key, name, code, limit_field, limit_bits))
            by_code[code] = name
            out.append(o)
        return out

    opw = ifield["OPCODE"]["width"] if "OPCODE" in ifield else 32
    errw = 32
    for r in regs:
        if r["name"] == "ERR_CODE":
            errw = next((f["width"] for f in r.get("fields", []) if f["name"] == "CODE"), 32)
    model = dict(spec=spec, cfg=cfg, regs=regs, words=words, ifields=ifields,
                 regions=spec.get("regions", []),
                 opcodes=codes("opcodes", "instruction OPCODE", opw),
                 errors=codes("errors", "ERR_CODE.CODE", errw))
    return model


# ---- C header ----

def chex(v):
    return "0x%08xu" % v


def write_header(model, path):
    spec, P = model["spec"], "RWKVACC_HW_"
    L = [
        "/*",
        " * rwkvacc_hw.h - the card's host interface: configuration, memory regions,",
        " * register map, 128-bit instruction encoding, opcodes and error codes.",
        " * GENERATED by scripts/gen_hwspec.py from spec/rwkvacc_hw.json: do not edit",
        " * (tests/unit/test_hwspec.c checks for drift). Human-readable: docs/regmap.md.",
        " *",
        " * Field macros: _SHIFT is the lsb, _WIDTH the bit count, _MASK the field's",
        " * bits in place (value = (word & _MASK) >> _SHIFT). C11, C++, HLS C; no bitfields.",
        " */",
        "#ifndef RWKVACC_HW_H",
        "#define RWKVACC_HW_H",
        "",
        "#include <stdint.h>",
        "",
        "#ifdef __cplusplus",
        'extern "C" {',
        "#endif",
        "",
        "#define %sSPEC_VERSION_MAJOR %du" % (P, spec["spec_version"][0]),
        "#define %sSPEC_VERSION_MINOR %du" % (P, spec["spec_version"][1]),
        "",
        "/* ---- configuration ---- */",
    ]
    defs = []  # every name defined, for the collision check

    def d(name, val, doc=None):
        defs.append(name)
        L.append("#define %s%s %s%s" % (P, name, val, " /* %s */" % doc if doc else ""))

    for c in spec["config"]:
        d("CFG_" + c["name"], "%du" % c["value"], c.get("doc"))
    L += ["", "/* ---- memory regions (the instruction's REGION field) ---- */"]
    for r in model["regions"]:
        d("REGION_" + r["name"], "%du" % r["id"], "%s: %s" % (r["access"], r["doc"]))
    L += ["", "/* ---- registers: byte offsets; arrays are macros of n ---- */"]
    for r in model["regs"]:
        if r["array"]:
            defs.append("REG_" + r["name"])
            L.append("#define %sREG_%s(n) (0x%03xu + (uint32_t)(n) * 0x%xu) /* %s, n < %d: %s */"
                     % (P, r["name"], r["offset"], r["stride"], r["access"], r["count"], r.get("doc", "")))
            d("REG_%s_COUNT" % r["name"], "%du" % r["count"])
            d("REG_%s_STRIDE" % r["name"], "0x%xu" % r["stride"])
        else:
            d("REG_" + r["name"], "0x%03xu" % r["offset"], "%s%s" % (r["access"], ": " + r["doc"] if r.get("doc") else ""))
    L += ["", "/* ---- reset values ---- */"]
    for r in model["regs"]:
        d("RESET_" + r["name"], chex(r["reset_value"]))
    L += ["", "/* ---- register fields ---- */"]
    for r in model["regs"]:
        for f in r.get("fields", []):
            n = "%s_%s" % (r["name"], f["name"])
            d(n + "_SHIFT", "%du" % f["lsb"], f.get("doc"))
            d(n + "_WIDTH", "%du" % f["width"])
            d(n + "_MASK", chex(mask(f["lsb"], f["width"])))
    L += ["", "/* ---- instruction: %d little-endian 32-bit words ---- */" % model["words"]]
    d("INSN_WORDS", "%du" % model["words"])
    for f in model["ifields"]:
        n = "INSN_" + f["name"]
        d(n + "_WORD", "%du" % f["word"], f.get("doc"))
        d(n + "_SHIFT", "%du" % f["lsb"])
        d(n + "_WIDTH", "%du" % f["width"])
        d(n + "_MASK", chex(mask(f["lsb"], f["width"])))
    L += ["", "/* ---- opcodes ---- */"]
    for o in model["opcodes"]:
        d("OP_" + o["name"], "%du" % o["code"], o.get("doc"))
    L += ["", "/* ---- error codes (ERR_CODE.CODE) ---- */"]
    for e in model["errors"]:
        d("ERR_" + e["name"], "%du" % e["code"], e.get("doc"))
    dup = sorted(set(n for n in defs if defs.count(n) > 1))
    need(not dup, "generated name %s%s defined twice" % (P, dup[0] if dup else ""))

    L += [
        "",
        "/* ---- instruction encode/decode ---- */",
        "",
        "/* One instruction; w[0] is the word at the lowest address. */",
        "typedef struct rwkvacc_hw_insn {",
        "    uint32_t w[%d];" % model["words"],
        "} rwkvacc_hw_insn;",
        "",
        "#ifdef __cplusplus",
        "static_assert(sizeof(rwkvacc_hw_insn) == %d, \"instruction is %d bytes\");" % (4 * model["words"], 4 * model["words"]),
        "#else",
        "_Static_assert(sizeof(rwkvacc_hw_insn) == %d, \"instruction is %d bytes\");" % (4 * model["words"], 4 * model["words"]),
        "#endif",
    ]
    for f in model["ifields"]:
        n, lo = P + "INSN_" + f["name"], f["name"].lower()
        L += [
            "",
            "static inline uint32_t rwkvacc_hw_insn_get_%s(const rwkvacc_hw_insn *i)" % lo,
            "{",
            "    return (i->w[%s_WORD] & %s_MASK) >> %s_SHIFT;" % (n, n, n),
            "}",
            "",
            "/* Bits of v above the field's width are dropped. */" if f["width"] < 32 else
            "/* The field is the whole word. */",
            "static inline void rwkvacc_hw_insn_set_%s(rwkvacc_hw_insn *i, uint32_t v)" % lo,
            "{",
            "    i->w[%s_WORD] = (i->w[%s_WORD] & ~%s_MASK) | ((v << %s_SHIFT) & %s_MASK);" % (n, n, n, n, n),
            "}",
        ]
    L += [
        "",
        "/* Byte image (little-endian words) to instruction, whatever the host's byte order. */",
        "static inline rwkvacc_hw_insn rwkvacc_hw_insn_load(const uint8_t *b)",
        "{",
        "    rwkvacc_hw_insn i;",
        "    for (int k = 0; k < %d; k++)" % model["words"],
        "        i.w[k] = (uint32_t)b[4 * k] | (uint32_t)b[4 * k + 1] << 8 |",
        "                 (uint32_t)b[4 * k + 2] << 16 | (uint32_t)b[4 * k + 3] << 24;",
        "    return i;",
        "}",
        "",
        "static inline void rwkvacc_hw_insn_store(const rwkvacc_hw_insn *i, uint8_t *b)",
        "{",
        "    for (int k = 0; k < %d; k++)" % model["words"],
        "        for (int j = 0; j < 4; j++)",
        "            b[4 * k + j] = (uint8_t)(i->w[k] >> (8 * j));",
        "}",
    ]
    for kind, pre, items in (("opcode", "OP_", model["opcodes"]), ("error", "ERR_", model["errors"])):
        L += [
            "",
            "/* The %s's name (\"%s\"), or \"?\" for an unknown code. */" % (kind, items[0]["name"] if items else ""),
            "static inline const char *rwkvacc_hw_%s_name(uint32_t code)" % kind,
            "{",
            "    switch (code) {",
        ]
        for o in items:
            L.append('    case %s%s%s: return "%s";' % (P, pre, o["name"], o["name"]))
        L += ["    default: return \"?\";", "    }", "}"]
    L += ["", "#ifdef __cplusplus", "}", "#endif", "", "#endif"]
    with open(path, "w", newline="\n") as fh:
        fh.write("\n".join(L) + "\n")


# ---- SystemVerilog package ----

def write_svh(model, path):
    spec = model["spec"]
    L = [
        "// rwkvacc_hw.svh - the card's host interface as package rwkvacc_hw_pkg.",
        "// GENERATED by scripts/gen_hwspec.py from spec/rwkvacc_hw.json: do not edit.",
        "// Reference constants as rwkvacc_hw_pkg::NAME (Yosys 0.23 rejects import pkg::*).",
        "// Field constants: _LSB, _WIDTH, _MASK (the field's bits in place); INSN_*_BIT is",
        "// the field's lsb in the %d-bit instruction (word * 32 + lsb)." % (32 * model["words"]),
        "`ifndef RWKVACC_HW_SVH",
        "`define RWKVACC_HW_SVH",
        "",
        "// A constants package: most users read a few, and it lives in an .svh file.",
        "/* verilator lint_off UNUSEDPARAM */",
        "/* verilator lint_off DECLFILENAME */",
        "package rwkvacc_hw_pkg;",
        "",
    ]

    def u(name, v):
        L.append("  localparam int unsigned %s = 32'd%d;" % (name, v))

    def m(name, v):
        L.append("  localparam logic [31:0] %s = 32'h%08x;" % (name, v))

    u("SPEC_VERSION_MAJOR", spec["spec_version"][0])
    u("SPEC_VERSION_MINOR", spec["spec_version"][1])
    L.append("  // configuration")
    for c in spec["config"]:
        u("CFG_" + c["name"], c["value"])
    L.append("  // memory regions")
    for r in model["regions"]:
        u("REGION_" + r["name"], r["id"])
    L.append("  // register byte offsets and reset values; arrays: _BASE + n * _STRIDE, n < _COUNT")
    for r in model["regs"]:
        if r["array"]:
            m("REG_%s_BASE" % r["name"], r["offset"])
            m("REG_%s_STRIDE" % r["name"], r["stride"])
            u("REG_%s_COUNT" % r["name"], r["count"])
            for n in range(r["count"]):
                m("REG_%s_%d" % (r["name"], n), r["offset"] + n * r["stride"])
        else:
            m("REG_" + r["name"], r["offset"])
        m("RESET_" + r["name"], r["reset_value"])
    L.append("  // register fields")
    for r in model["regs"]:
        for f in r.get("fields", []):
            n = "%s_%s" % (r["name"], f["name"])
            u(n + "_LSB", f["lsb"])
            u(n + "_WIDTH", f["width"])
            m(n + "_MASK", mask(f["lsb"], f["width"]))
    L.append("  // instruction fields")
    u("INSN_WORDS", model["words"])
    u("INSN_BITS", 32 * model["words"])
    for f in model["ifields"]:
        n = "INSN_" + f["name"]
        u(n + "_WORD", f["word"])
        u(n + "_LSB", f["lsb"])
        u(n + "_WIDTH", f["width"])
        u(n + "_BIT", 32 * f["word"] + f["lsb"])
        m(n + "_MASK", mask(f["lsb"], f["width"]))
    L.append("  // opcodes")
    for o in model["opcodes"]:
        u("OP_" + o["name"], o["code"])
    L.append("  // error codes")
    for e in model["errors"]:
        u("ERR_" + e["name"], e["code"])
    names = [ln.split()[-3] for ln in L if ln.startswith("  localparam")]
    dup = sorted(set(n for n in names if names.count(n) > 1))
    need(not dup, "generated name rwkvacc_hw_pkg::%s defined twice" % (dup[0] if dup else ""))
    L += ["", "endpackage", "/* verilator lint_on DECLFILENAME */", "/* verilator lint_on UNUSEDPARAM */",
          "", "`endif"]
    with open(path, "w", newline="\n") as fh:
        fh.write("\n".join(L) + "\n")


# ---- Markdown ----

def md(s):
    return str(s).replace("|", "\\|")


def bits(lsb, width):
    return "[%d]" % lsb if width == 1 else "[%d:%d]" % (lsb + width - 1, lsb)


def write_doc(model, path):
    spec = model["spec"]
    L = [
        "# Register map and instruction encoding",
        "",
        "GENERATED by scripts/gen_hwspec.py from spec/rwkvacc_hw.json: do not edit.",
        "Spec version %d.%d. C: include/rwkvacc_hw.h; SystemVerilog: rtl/include/rwkvacc_hw.svh"
        % tuple(spec["spec_version"]),
        "(package `rwkvacc_hw_pkg`, referenced as `rwkvacc_hw_pkg::NAME`).",
        "",
        "## Configuration",
        "",
        "| Name | Value | Description |",
        "|---|---|---|",
    ]
    for c in spec["config"]:
        L.append("| %s | %d | %s |" % (c["name"], c["value"], md(c.get("doc", ""))))
    L += ["", "## Memory regions", "", "| Id | Name | Access | Description |", "|---|---|---|---|"]
    for r in model["regions"]:
        L.append("| %d | %s | %s | %s |" % (r["id"], r["name"], r["access"], md(r.get("doc", ""))))
    L += ["", "## Registers", "", "Byte offsets of 32-bit registers. n: array index.", "",
          "| Offset | Name | Access | Reset | Description |", "|---|---|---|---|---|"]
    for r in model["regs"]:
        if r["array"]:
            off = "0x%03x + 0x%x n" % (r["offset"], r["stride"])
            name = "%s(n), n < %d" % (r["name"], r["count"])
        else:
            off, name = "0x%03x" % r["offset"], r["name"]
        doc = r.get("doc") or "fields below"
        L.append("| %s | %s | %s | 0x%08x | %s |" % (off, name, r["access"], r["reset_value"], md(doc)))
    L += ["", "## Register fields"]
    for r in model["regs"]:
        if not r.get("fields"):
            continue
        L += ["", "%s (0x%03x)" % (r["name"], r["offset"]), "",
              "| Bits | Name | Reset | Description |", "|---|---|---|---|"]
        for f, v in zip(r["fields"], r["field_resets"]):
            src = " (%s)" % f["value"] if isinstance(f.get("value"), str) else ""
            L.append("| %s | %s | %d%s | %s |" % (bits(f["lsb"], f["width"]), f["name"], v, src, md(f.get("doc", ""))))
    ins = spec["instruction"]
    L += ["", "## Instruction", "", md(ins.get("doc", "")), "",
          "| Word | Bits | Name | Description |", "|---|---|---|---|"]
    for f in model["ifields"]:
        L.append("| %d | %s | %s | %s |" % (f["word"], bits(f["lsb"], f["width"]), f["name"], md(f.get("doc", ""))))
    L += ["", "## Opcodes", "", "| Code | Name | Operation |", "|---|---|---|"]
    for o in model["opcodes"]:
        L.append("| %d (0x%02x) | %s | %s |" % (o["code"], o["code"], o["name"], md(o.get("doc", ""))))
    L += ["", "## Error codes", "", "| Code | Name | Meaning |", "|---|---|---|"]
    for e in model["errors"]:
        L.append("| %d | %s | %s |" % (e["code"], e["name"], md(e.get("doc", ""))))
    with open(path, "w", newline="\n") as fh:
        fh.write("\n".join(L) + "\n")


# ---- driver ----

OUTPUTS = [HEADER, SVH, DOC]


def generate(root, spec_path):
    try:
        with open(spec_path) as fh:
            spec = json.load(fh)
    except (OSError, ValueError) as e:
        raise SpecError("cannot read %s: %s" % (spec_path, e))
    model = validate(spec)
    for rel, writer in ((HEADER, write_header), (SVH, write_svh), (DOC, write_doc)):
        os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
        writer(model, os.path.join(root, rel))


def check(spec_path):
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, spec_path)
        for rel in OUTPUTS:
            have, fresh = os.path.join(ROOT, rel), os.path.join(tmp, rel)
            if not os.path.isfile(have) or not filecmp.cmp(have, fresh, shallow=False):
                stale.append(rel)
    for rel in stale:
        print("gen_hwspec: stale: %s (run scripts/gen_hwspec.py)" % rel)
    if not stale:
        print("gen_hwspec: %d files up to date" % len(OUTPUTS))
    return 1 if stale else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if the committed outputs differ from a fresh generation")
    ap.add_argument("--spec", default=os.path.join(ROOT, SPEC), help="the spec (default %s)" % SPEC)
    args = ap.parse_args()
    try:
        if args.check:
            return check(args.spec)
        generate(ROOT, args.spec)
    except SpecError as e:
        print("gen_hwspec: %s: %s" % (os.path.relpath(args.spec, ROOT), e))
        return 1
    except (KeyError, TypeError, AttributeError) as e:
        # a missing key or a wrong JSON type the checks above did not name
        print("gen_hwspec: %s: malformed spec (%s: %s)" % (os.path.relpath(args.spec, ROOT), type(e).__name__, e))
        return 1
    for rel in OUTPUTS:
        print("gen_hwspec: wrote %s" % rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
