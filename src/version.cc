// Version and SelfTest: recomputes the known-answer tables.

#include "neardup/version.h"

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "known_answers.h"
#include "neardup/minhash.h"
#include "neardup/shingle.h"
#include "neardup/simhash.h"
#include "neardup/text.h"

namespace neardup {
namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
  return buf;
}

}  // namespace

std::string_view Version() { return "0.1.0"; }

absl::Status SelfTest(std::string* report) {
  absl::Status first_failure;
  int checks = 0, failures = 0;
  auto check = [&](bool ok, const std::string& line) {
    ++checks;
    if (report) report->append(ok ? "ok    " : "FAIL  ").append(line).append("\n");
    if (!ok) {
      ++failures;
      if (first_failure.ok()) first_failure = absl::InternalError(line);
    }
  };

  for (const auto& v : internal::NormalizeVectors()) {
    const std::string got = Normalize(v.input);
    check(got == v.expected, std::string("normalize: ") + v.what);
  }

  std::vector<uint64_t> hashes;
  for (const auto& v : internal::ShingleVectors()) {
    ShingleOptions options;
    options.kind = v.kind;
    options.n = v.n;
    options.seed = v.seed;
    auto shingler = Shingler::Create(options);
    if (!shingler.ok()) {
      check(false, std::string("shingle: ") + v.what + ": " +
                       std::string(shingler.status().message()));
      continue;
    }
    const std::string text =
        v.generated_words > 0
            ? internal::KnownAnswerText(v.seed, v.generated_words)
            : std::string(v.input);
    shingler->Hash(text, &hashes);
    const bool ok = hashes.size() == v.count && !hashes.empty() &&
                    hashes[0] == v.first && internal::Fold(hashes) == v.fold;
    check(ok, std::string("shingle: ") + v.what + " (count " +
                  std::to_string(hashes.size()) + ", first " +
                  Hex(hashes.empty() ? 0 : hashes[0]) + ")");
  }

  for (MinHashKernel kernel : {MinHashKernel::kPortable, MinHashKernel::kAvx2,
                               MinHashKernel::kAvx512}) {
    if (!MinHashKernelSupported(kernel)) {
      if (report) {
        report->append("skip  minhash kernel ")
            .append(MinHashKernelName(kernel))
            .append(": not supported by this CPU\n");
      }
      continue;
    }
    for (const auto& v : internal::SketchVectors()) {
      ShingleOptions shingle_options;
      shingle_options.seed = v.seed;
      auto shingler = Shingler::Create(shingle_options);
      auto hasher = MinHasher::Create({.num_perm = v.num_perm, .seed = v.seed},
                                      kernel);
      if (!shingler.ok() || !hasher.ok()) {
        check(false, std::string("minhash: ") + v.what + ": cannot create");
        continue;
      }
      shingler->Hash(internal::KnownAnswerText(v.seed, v.generated_words),
                     &hashes);
      const std::vector<uint32_t> sig = hasher->Sign(hashes);
      bool ok = internal::Fold(sig) == v.signature_fold;
      for (int i = 0; i < 4; ++i) ok = ok && sig[i] == v.first[i];
      check(ok, std::string("minhash[") + MinHashKernelName(kernel) +
                    "]: " + v.what);
      if (kernel == MinHashKernel::kPortable) {
        const uint64_t fp = SimHash(hashes);
        check(fp == v.simhash,
              std::string("simhash: ") + v.what + " (got " + Hex(fp) + ")");
      }
    }
  }
  if (report) {
    report->append(std::to_string(checks - failures) + " passed, " +
                   std::to_string(failures) + " failed\n");
  }
  return first_failure;
}

}  // namespace neardup
