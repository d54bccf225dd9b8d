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
  rtl/regfile.sv              the register file: an AXI4-Lite slave with every
                              register, its ports derived from the spec (rules
                              above rtl_plan; port table in docs/regmap.md)

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
RTL = "rtl/regfile.sv"
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
    plan = model["rtl"]
    L += ["", "## Register file RTL", "",
          "`rtl/regfile.sv` (module `regfile`), generated from this spec, is an AXI4-Lite slave",
          "(32-bit data, `AW` = %d address bits) holding every register above, with the" % plan["aw"],
          "semantics of `rw_card_reg_read` / `rw_card_reg_write` and byte strobes. Its ports",
          "to the core (naming rules: scripts/gen_hwspec.py, above `rtl_plan`); an array packs",
          "element n at bits [n W +: W]:", "",
          "| Port | Dir | Bits | Register bits | Behaviour |", "|---|---|---|---|---|"]
    how = {"in": "read from the core", "rw": "flop (reset value above)",
           "rw1c": "a 1 sets the bit (winning over a clear in the same cycle); writing 1 clears it",
           "wo": "one-cycle pulse of the bits written as 1 (read 0)"}
    for g in plan["groups"]:
        d = "in" if g["kind"] in ("in", "rw1c") else "out"
        arr = " (n < %d, W = %d)" % (g["count"], g["ew"]) if g["array"] else ""
        L.append("| `%s` | %s | %d | %s%s | %s |" % (g["port"], d, g["total"], " + ".join(g["regs"]), arr, how[g["kind"]]))
    if plan["irq"]:
        L.append("| `irq_o` | out | 1 | | IRQ_EN and any IRQ_STATUS bit (`rw_card_irq`) |")
    with open(path, "w", newline="\n") as fh:
        fh.write("\n".join(L) + "\n")


# ---- SystemVerilog register file ----
#
# rtl/regfile.sv is derived from the registers alone, by these rules (each
# register n of an array is one 32-bit word at offset + n * stride):
#   - a field's access is its own "access" key, else WO for a field of an RW
#     register whose doc says it "reads 0" (command bits such as CTRL.START),
#     else the register's access; a register without fields is one field of
#     32 bits;
#   - RO parts are constants (the reset value) when the register's "hw" key is
#     "const", or without that key when the register is RO and its reset is
#     "fields" or nonzero (ID, VERSION, CONFIG*); else ("hw": "input", reset 0,
#     an RO field of another register) they are values from the core;
#   - one "group" per field (per register without fields) gives one port, named
#     reg_field (or reg) in lower case: RO input -> NAME_i, RW -> NAME_o (a
#     flop), RW1C -> NAME_set_i (pulses that set the flop), WO -> NAME_o (a
#     one-cycle pulse of the bits written as 1); arrays pack their elements,
#     element n at bits [n * W +: W];
#   - registers X_LO and X_HI without fields, of the same access, source and
#     count, are one 64-bit group x (element n at [n * 64 +: 64], LO the low half);
#   - irq_o = IRQ_EN & |IRQ_STATUS when an RW field IRQ_EN and a register
#     IRQ_STATUS exist (rw_card_irq).

RTL_FIXED = ("clk_i", "rst_ni", "awaddr_i", "awvalid_i", "awready_o", "wdata_i", "wstrb_i",
             "wvalid_i", "wready_o", "bresp_o", "bvalid_o", "bready_i", "araddr_i", "arvalid_i",
             "arready_o", "rdata_o", "rresp_o", "rvalid_o", "rready_i", "irq_o", "aw_full_q",
             "aw_full_d", "wr_addr_q", "wr_addr_d", "w_full_q", "w_full_d", "wr_data_q",
             "wr_data_d", "wr_strb_q", "wr_strb_d", "b_valid_q", "b_valid_d", "wr_en", "wr_mask",
             "r_valid_q", "r_valid_d", "r_data_q", "r_data_d", "rd_word", "unused_wr")
RTL_SUFFIX = {"in": "_i", "rw": "_o", "rw1c": "_set_i", "wo": "_o"}
RTL_KIND = {"RO": "in", "RW": "rw", "RW1C": "rw1c", "WO": "wo"}


def rtl_plan(model):
    """The register file's hardware: groups (a port each, a flop vector for the
    stored kinds), the address map's words with their bit segments, irq_o."""
    regs = model["regs"]
    byname = {r["name"]: r for r in regs}

    def ro_const(r):
        hw = r.get("hw")
        need(hw in (None, "const", "input"), "register %s: hw must be \"const\" or \"input\"" % r["name"])
        return hw == "const" or (hw is None and r["access"] == "RO" and
                                 (r["reset"] == "fields" or r["reset_value"] != 0))

    def units(r):
        """(field or None, lsb, width, kind, const value) of one register."""
        out = []
        fields = r.get("fields") or [None]
        for i, f in enumerate(fields):
            acc = r["access"]
            if f is not None:
                fa = f.get("access")
                need(fa is None or fa in ACCESS, "register %s.%s: bad access %r" % (r["name"], f["name"], fa))
                if fa is not None:
                    acc = fa
                elif acc == "RW" and "reads 0" in f.get("doc", "").lower():
                    acc = "WO"
            kind = RTL_KIND[acc]
            lsb, width = (f["lsb"], f["width"]) if f else (0, 32)
            value = r["field_resets"][i] if f else r["reset_value"]
            if kind == "in" and ro_const(r):
                kind = "const"
            out.append((f, lsb, width, kind, value))
        return out

    def plain(r, kind):
        u = units(r)
        return not r.get("fields") and u[0][3] == kind

    # X_LO / X_HI pairs -> one 64-bit group
    pair_of = {}
    for r in regs:
        if not r["name"].endswith("_LO"):
            continue
        hi = byname.get(r["name"][:-3] + "_HI")
        if hi is None:
            continue
        kind = units(r)[0][3]
        if (kind in ("in", "rw") and plain(r, kind) and plain(hi, kind)
                and r["count"] == hi["count"] and r["array"] == hi["array"]):
            pair_of[r["name"]] = (r["name"][:-3], 0)
            pair_of[hi["name"]] = (r["name"][:-3], 32)

    groups, order, words = {}, [], []
    for r in regs:
        for (f, lsb, width, kind, value) in units(r):
            if kind == "const":
                continue
            if r["name"] in pair_of:
                gname, part = pair_of[r["name"]]
                ew = 64
            else:
                gname = r["name"] + ("_" + f["name"] if f else "")
                part, ew = 0, width
            key = (gname, "_LO/_HI") if r["name"] in pair_of else (r["name"], f["name"] if f else None)
            g = groups.get(key)
            if g is None:
                g = groups[key] = dict(name=gname.lower(), kind=kind, ew=ew, count=r["count"],
                                       array=r["array"], reset=0, regs=[], docs=[])
                order.append(g)
            g["regs"].append("%s%s" % (r["name"], "." + f["name"] if f else ""))
            g["docs"].append((f.get("doc") if f else r.get("doc")) or "")
            if kind in ("rw", "rw1c"):
                rv = (value if f else r["reset_value"]) & ((1 << width) - 1)
                for n in range(r["count"]):
                    g["reset"] |= rv << (n * ew + part)
    for g in order:
        g["total"] = g["ew"] * g["count"]
        g["port"] = g["name"] + RTL_SUFFIX[g["kind"]]
    for r in regs:
        for n in range(r["count"]):
            label = "%s(%d)" % (r["name"], n) if r["array"] else r["name"]
            ident = r["name"].lower() + ("_%d" % n if r["array"] else "")
            segs = []
            for (f, lsb, width, kind, value) in units(r):
                s = dict(lsb=lsb, width=width, kind=kind, value=value)
                if kind != "const":
                    if r["name"] in pair_of:
                        gname, part = pair_of[r["name"]]
                        s["group"] = groups[(gname, "_LO/_HI")]
                        s["gbit"] = n * 64 + part
                    else:
                        s["group"] = groups[(r["name"], f["name"] if f else None)]
                        s["gbit"] = n * width
                segs.append(s)
            words.append(dict(offset=r["offset"] + n * r["stride"], label=label, ident=ident,
                              access=r["access"], segs=segs,
                              writable=any(s["kind"] in ("rw", "rw1c", "wo") for s in segs)))
    words.sort(key=lambda w: w["offset"])

    irq = None
    en = [g for g in order if g["kind"] == "rw" and g["regs"][0].endswith(".IRQ_EN")
          and g["total"] == 1]
    st = [g for g in order if g["regs"][0].split(".")[0] == "IRQ_STATUS"]
    if en and st:
        irq = (en[0], st)

    idents = list(RTL_FIXED)
    for g in order:
        idents += [g["name"], g["port"]] + ([g["name"] + "_q", g["name"] + "_d"] if g["kind"] != "in" else [])
    idents += ["we_" + w["ident"] for w in words if w["writable"]]
    dup = sorted(set(n for n in idents if idents.count(n) > 1))
    need(not dup, "generated RTL name %s used twice" % (dup[0] if dup else ""))
    top = max([w["offset"] for w in words] + [0]) + 4
    aw = max(12, (top - 1).bit_length())
    return dict(groups=order, words=words, irq=irq, aw=aw)


def sv_sel(name, total, lo, width):
    """Bits [lo +: width] of a vector of total bits (a scalar when total is 1)."""
    if total == 1 or (lo == 0 and width == total):
        return name
    if width == 1:
        return "%s[%d]" % (name, lo)
    return "%s[%d:%d]" % (name, lo + width - 1, lo)


def sv_decl(total, pad=6):
    return ("" if total == 1 else "[%d:0]" % (total - 1)).ljust(pad)


def sv_zero(width):
    return "%d'b0" % width if width == 1 else "%d'd0" % width


def write_rtl(model, path):
    plan = model["rtl"]
    spec = model["spec"]
    groups, words = plan["groups"], plan["words"]
    L = [
        "// regfile.sv - the card's register file: an AXI4-Lite slave (32-bit data) holding",
        "// every register of spec/rwkvacc_hw.json %d.%d with the semantics of" % tuple(spec["spec_version"]),
        "// cmodel/golden/card.c rw_card_reg_read / rw_card_reg_write / rw_card_irq:",
        "// constants (ID, VERSION, CONFIG*) read their reset value; RO values come from the",
        "// core (_i ports); RW registers are flops with the spec's reset value (_o ports);",
        "// RW1C bits are set by core pulses (_set_i) and cleared by writing 1, a set in",
        "// the same cycle as the clear wins; WO bits (CTRL.START, CTRL.ABORT) are",
        "// one-cycle pulses (_o) of the bits written as 1 and read 0. Unused bits,",
        "// unknown and unaligned offsets read 0 and ignore writes. WSTRB selects the",
        "// bytes a write changes (RW), clears (RW1C) or pulses (WO).",
        "//",
        "// GENERATED by scripts/gen_hwspec.py from spec/rwkvacc_hw.json: do not edit",
        "// (make generate; gen_hwspec.py --check finds drift). Ports and rules:",
        "// docs/regmap.md, \"Register file RTL\".",
        "//",
        "// Timing: AW and W are accepted in either order (or together) and held; the",
        "// write takes effect at the clock edge that raises bvalid_o (WO pulses are high",
        "// in the first cycle of bvalid_o); the next AW and W are accepted from that edge",
        "// on. A read samples the registers and core inputs at the edge that accepts AR",
        "// (arready_o is low while rvalid_o waits); rvalid_o rises at that edge. One",
        "// transaction per direction at a time; responses are always OKAY; AWPROT and",
        "// ARPROT are not used.",
        "// Not here: the sequencer behind the ports, clock-domain crossing, address",
        "// decoding above AW bits (offsets are compared on all AW bits).",
        "",
        "module regfile #(",
        "  parameter int unsigned AW = %d  // byte address bits (the map needs %d)" % (plan["aw"], plan["aw"]),
        ") (",
        "  input  logic          clk_i,",
        "  input  logic          rst_ni,",
        "",
        "  // AXI4-Lite slave",
        "  input  logic [AW-1:0] awaddr_i,",
        "  input  logic          awvalid_i,",
        "  output logic          awready_o,",
        "  input  logic [31:0]   wdata_i,",
        "  input  logic [3:0]    wstrb_i,",
        "  input  logic          wvalid_i,",
        "  output logic          wready_o,",
        "  output logic [1:0]    bresp_o,",
        "  output logic          bvalid_o,",
        "  input  logic          bready_i,",
        "  input  logic [AW-1:0] araddr_i,",
        "  input  logic          arvalid_i,",
        "  output logic          arready_o,",
        "  output logic [31:0]   rdata_o,",
        "  output logic [1:0]    rresp_o,",
        "  output logic          rvalid_o,",
        "  input  logic          rready_i,",
        "",
        "  // core side",
    ]
    pad = max([len(sv_decl(g["total"], 0)) for g in groups] + [6])
    ports = []
    for g in groups:
        d = "input " if g["kind"] in ("in", "rw1c") else "output"
        what = {"in": "", "rw": "", "rw1c": "set pulses of ", "wo": "one-cycle pulse: "}[g["kind"]]
        arr = ", %d x %d bits" % (g["count"], g["ew"]) if g["array"] else ""
        ports.append(("  %s logic %s %s" % (d, sv_decl(g["total"], pad), g["port"]),
                      "// %s%s%s" % (what, " + ".join(g["regs"]), arr)))
    if plan["irq"]:
        ports.append(("  output logic %s irq_o" % sv_decl(1, pad), "// IRQ_EN & |IRQ_STATUS (rw_card_irq)"))
    cw = max(len(p) for p, _ in ports) + 1
    for i, (p, c) in enumerate(ports):
        L.append("%s %s" % ((p + ("," if i + 1 < len(ports) else "")).ljust(cw), c))
    L += [");", ""]

    L += [
        "  // ---- write channel: AW and W held until both are here ----",
        "  logic          aw_full_q, aw_full_d;",
        "  logic [AW-1:0] wr_addr_q, wr_addr_d;",
        "  logic          w_full_q, w_full_d;",
        "  logic [31:0]   wr_data_q, wr_data_d;",
        "  logic [3:0]    wr_strb_q, wr_strb_d;",
        "  logic          b_valid_q, b_valid_d;",
        "  logic          wr_en;    // the held write takes effect at this clock edge",
        "  logic [31:0]   wr_mask;  // WSTRB as a bit mask",
        "",
        "  assign awready_o = ~aw_full_q;",
        "  assign wready_o  = ~w_full_q;",
        "  assign bvalid_o  = b_valid_q;",
        "  assign bresp_o   = 2'b00;  // OKAY: unknown offsets are ignored, not errors (card.c)",
        "  // wait for the previous response to be taken: one write outstanding",
        "  assign wr_en     = aw_full_q & w_full_q & ~b_valid_q;",
        "  assign wr_mask   = {{8{wr_strb_q[3]}}, {8{wr_strb_q[2]}}, {8{wr_strb_q[1]}}, {8{wr_strb_q[0]}}};",
        "",
        "  always_comb begin",
        "    aw_full_d = aw_full_q;",
        "    wr_addr_d = wr_addr_q;",
        "    w_full_d  = w_full_q;",
        "    wr_data_d = wr_data_q;",
        "    wr_strb_d = wr_strb_q;",
        "    if (awvalid_i && !aw_full_q) begin",
        "      aw_full_d = 1'b1;",
        "      wr_addr_d = awaddr_i;",
        "    end",
        "    if (wvalid_i && !w_full_q) begin",
        "      w_full_d  = 1'b1;",
        "      wr_data_d = wdata_i;",
        "      wr_strb_d = wstrb_i;",
        "    end",
        "    if (wr_en) begin",
        "      aw_full_d = 1'b0;",
        "      w_full_d  = 1'b0;",
        "    end",
        "    b_valid_d = wr_en | (b_valid_q & ~bready_i);",
        "  end",
        "",
    ]
    used = 0
    for w in words:
        for s in w["segs"]:
            if s["kind"] in ("rw", "rw1c", "wo"):
                used |= mask(s["lsb"], s["width"])
    if used != 0xFFFFFFFF:
        L += ["  // data bits no writable register has",
              "  logic unused_wr;",
              "  assign unused_wr = ^{wr_data_q, wr_mask};", ""]
    L.append("  // one write select per writable register word (offset compared on all AW bits)")
    for w in words:
        if w["writable"]:
            L.append("  logic we_%s;" % w["ident"])
    for w in words:
        if w["writable"]:
            L.append("  assign we_%s = wr_en & (wr_addr_q == AW'(32'h%03x));  // %s"
                     % (w["ident"], w["offset"], w["label"]))
    L.append("")

    L.append("  // ---- registers: next state ----")
    for g in groups:
        if g["kind"] == "in":
            continue
        L.append("  logic %s %s_q, %s_d;" % (sv_decl(g["total"], pad), g["name"], g["name"]))
    L.append("")
    for g in groups:
        k, q, dn, T = g["kind"], g["name"] + "_q", g["name"] + "_d", g["total"]
        if k == "in":
            continue
        L.append("  // %s (%s)" % (" + ".join(g["regs"]), k.upper()))
        L.append("  always_comb begin")
        if k == "rw":
            L.append("    %s = %s;" % (dn, q))
        elif k == "rw1c":
            L.append("    %s = %s | %s;" % (dn, q, g["port"]))
        else:
            L.append("    %s = %s;" % (dn, sv_zero(T)))
        for w in words:
            for s in w["segs"]:
                if s.get("group") is not g:
                    continue
                gs = sv_sel("%s", T, s["gbit"], s["width"])
                ds = sv_sel("wr_data_q", 32, s["lsb"], s["width"])
                ms = sv_sel("wr_mask", 32, s["lsb"], s["width"])
                if k == "rw":
                    rhs = "(%s & ~%s) | (%s & %s)" % (gs % q, ms, ds, ms)
                elif k == "rw1c":
                    rhs = "(%s & ~(%s & %s)) | %s" % (gs % q, ds, ms, gs % g["port"])
                else:
                    rhs = "%s & %s" % (ds, ms)
                L.append("    if (we_%s) %s = %s;" % (w["ident"], gs % dn, rhs))
        L += ["  end", ""]
    for g in groups:
        if g["kind"] in ("rw", "wo"):
            L.append("  assign %s = %s_q;" % (g["port"], g["name"]))
    if plan["irq"]:
        en, st = plan["irq"]
        L.append("  assign irq_o = %s_q & (|{%s});" % (en["name"], ", ".join(g["name"] + "_q" for g in st)))
    L.append("")

    L += [
        "  // ---- read channel: the word at araddr_i, sampled when AR is accepted ----",
        "  logic        r_valid_q, r_valid_d;",
        "  logic [31:0] r_data_q, r_data_d;",
        "  logic [31:0] rd_word;",
        "",
        "  assign arready_o = ~r_valid_q;",
        "  assign rvalid_o  = r_valid_q;",
        "  assign rdata_o   = r_data_q;",
        "  assign rresp_o   = 2'b00;  // OKAY",
        "",
        "  always_comb begin",
        "    case (araddr_i)",
    ]
    for w in words:
        parts, pos = [], 32
        for s in sorted(w["segs"], key=lambda s: s["lsb"], reverse=True):
            top = s["lsb"] + s["width"]
            if top < pos:
                parts.append(sv_zero(pos - top))
            g = s.get("group")
            if s["kind"] == "const":
                parts.append("%d'h%x" % (s["width"], s["value"]))
            elif s["kind"] == "wo":
                parts.append(sv_zero(s["width"]))
            else:
                name = g["port"] if s["kind"] == "in" else g["name"] + "_q"
                parts.append(sv_sel(name, g["total"], s["gbit"], s["width"]))
            pos = s["lsb"]
        if pos > 0:
            parts.append(sv_zero(pos))
        expr = parts[0] if len(parts) == 1 else "{%s}" % ", ".join(parts)
        L.append("      AW'(32'h%03x): rd_word = %s;  // %s" % (w["offset"], expr, w["label"]))
    L += [
        "      default: rd_word = 32'd0;  // unknown or unaligned offset",
        "    endcase",
        "  end",
        "",
        "  always_comb begin",
        "    r_valid_d = r_valid_q & ~rready_i;",
        "    r_data_d  = r_data_q;",
        "    if (arvalid_i && !r_valid_q) begin",
        "      r_valid_d = 1'b1;",
        "      r_data_d  = rd_word;",
        "    end",
        "  end",
        "",
        "  // ---- flops ----",
        "  always_ff @(posedge clk_i) begin",
        "    if (!rst_ni) begin",
        "      aw_full_q <= 1'b0;",
        "      wr_addr_q <= '0;",
        "      w_full_q  <= 1'b0;",
        "      wr_data_q <= 32'd0;",
        "      wr_strb_q <= 4'd0;",
        "      b_valid_q <= 1'b0;",
        "      r_valid_q <= 1'b0;",
        "      r_data_q  <= 32'd0;",
    ]
    for g in groups:
        if g["kind"] == "in":
            continue
        T = g["total"]
        rv = "1'b%d" % g["reset"] if T == 1 else "%d'h%x" % (T, g["reset"])
        L.append("      %s_q <= %s;" % (g["name"], rv))
    L += [
        "    end else begin",
        "      aw_full_q <= aw_full_d;",
        "      wr_addr_q <= wr_addr_d;",
        "      w_full_q  <= w_full_d;",
        "      wr_data_q <= wr_data_d;",
        "      wr_strb_q <= wr_strb_d;",
        "      b_valid_q <= b_valid_d;",
        "      r_valid_q <= r_valid_d;",
        "      r_data_q  <= r_data_d;",
    ]
    for g in groups:
        if g["kind"] != "in":
            L.append("      %s_q <= %s_d;" % (g["name"], g["name"]))
    L += ["    end", "  end", "endmodule"]
    with open(path, "w", newline="\n") as fh:
        fh.write("\n".join(L) + "\n")


# ---- driver ----

OUTPUTS = [HEADER, SVH, DOC, RTL]


def generate(root, spec_path):
    try:
        with open(spec_path) as fh:
            spec = json.load(fh)
    except (OSError, ValueError) as e:
        raise SpecError("cannot read %s: %s" % (spec_path, e))
    model = validate(spec)
    model["rtl"] = rtl_plan(model)
    for rel, writer in ((HEADER, write_header), (SVH, write_svh), (DOC, write_doc), (RTL, write_rtl)):
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
