// tb_conform.h - golden-vector replay for the RTL unit testbenches (header only):
// opens one conformance set (docs/conformance.md; make test writes
// build/conformance/7v0-834K-int8 with `rwkvacc trace`, or $RWKVACC_CONFORM_SET),
// walks its records of given units, and hands out operands by role. A testbench
// drives its unit with a record's inputs and compares every output word exactly.
// Missing set: "skip NAME" (a failure under CI=true, like every test that needs
// ../shared). Not a checker: the comparing is the testbench's.
#pragma once

extern "C" {
#include "golden/qmodel.h"
#include "driver/trace.h" /* not cmodel/golden/trace.h, the hook */
}

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

struct ConformSet {
  std::string dir;
  std::vector<uint8_t> buf;      // vectors.bin
  rw_qmodel* q = nullptr;        // model.rq (the weights matvec records name)
  rw_qtensor* list = nullptr;
  size_t n_list = 0;
  ~ConformSet() {
    free(list);
    rw_qmodel_free(q);
  }
};

static bool conform_read_file(const std::string& path, std::vector<uint8_t>& out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return false;
  uint8_t tmp[1 << 16];
  size_t n;
  out.clear();
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) out.insert(out.end(), tmp, tmp + n);
  fclose(f);
  return true;
}

// Opens the set; false (after a skip or FAIL line named test) when it is missing.
static bool conform_open(ConformSet& s, const char* test) {
  const char* env = getenv("RWKVACC_CONFORM_SET");
  const char* ci = getenv("CI");
  std::vector<uint8_t> rq;
  rwkvacc_error err;
  s.dir = env && *env ? env : "build/conformance/7v0-834K-int8";
  if (!conform_read_file(s.dir + "/vectors.bin", s.buf) ||
      !conform_read_file(s.dir + "/model.rq", rq)) {
    if (ci && !strcmp(ci, "true"))
      printf("FAIL %s: no golden vectors in %s under CI\n", test, s.dir.c_str());
    else
      printf("skip %s: no golden vectors in %s (make test writes them from ../shared)\n", test,
             s.dir.c_str());
    return false;
  }
  if (rw_qmodel_read_mem(rq.data(), rq.size(), "model.rq", &s.q, &err) != RWKVACC_OK ||
      rw_qmodel_tensors(s.q, nullptr, &s.list, &s.n_list, &err) != RWKVACC_OK) {
    printf("FAIL %s: %s\n", test, err.msg);
    return false;
  }
  return true;
}

// Calls f(rec) for each record whose unit is one of units (nullptr-terminated);
// stops early when f returns false. Returns the records visited, or -1 on a
// malformed file (reported as FAIL test).
template <class F>
static long conform_each(ConformSet& s, const char* const* units, const char* test, F f) {
  size_t off = 0;
  long n = 0;
  static rw_trace_rec r;  // large: keep it off the stack
  rwkvacc_error err;
  while (off + RW_TRACE_END_BYTES < s.buf.size()) {
    if (rw_trace_read(s.buf.data(), s.buf.size(), &off, &r, "vectors.bin", &err) != RWKVACC_OK) {
      printf("FAIL %s: %s\n", test, err.msg);
      return -1;
    }
    for (const char* const* u = units; *u; u++)
      if (!strcmp(r.unit, *u)) {
        n++;
        if (!f(r)) return n;
        break;
      }
  }
  return n;
}

// The nth operand with this role and direction (out 0 input, 1 output), or nullptr.
static const rw_trace_opnd* conform_opnd(const rw_trace_rec& r, uint32_t out, const char* role,
                                         int nth = 0) {
  for (uint32_t i = 0; i < r.n_operands; i++)
    if (r.op[i].out == out && !strcmp(r.op[i].role, role) && nth-- == 0) return &r.op[i];
  return nullptr;
}

// A type 1, 3 or 4 operand's words (little-endian int32).
static std::vector<int32_t> conform_words(const rw_trace_opnd* o) {
  std::vector<int32_t> w(o->n);
  for (uint32_t i = 0; i < o->n; i++) {
    const uint8_t* p = o->data + 4 * (size_t)i;
    w[i] = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24);
  }
  return w;
}

// The matrix a matvec record names (its "W" operand), or nullptr.
static const rw_qmat* conform_weight(const ConformSet& s, const rw_trace_rec& r) {
  const rw_trace_opnd* o = conform_opnd(r, 0, "W");
  if (!o) return nullptr;
  std::string name((const char*)o->data, o->n);
  for (size_t i = 0; i < s.n_list; i++)
    if (s.list[i].kind == RW_QK_QMAT && name == s.list[i].name)
      return (const rw_qmat*)s.list[i].dst;
  return nullptr;
}
