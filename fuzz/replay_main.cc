// A main() for fuzz targets built without libFuzzer (any compiler): runs
// LLVMFuzzerTestOneInput on every file of the given corpus directories,
// then on deterministic mutations of each (bit flips, interesting bytes
// and u32s, truncation, insertion, erasure, duplication, splicing with
// another seed). The default test suite uses it so the targets and their
// seeds stay healthy without clang; libFuzzer does the real search.
//
//   fuzz_x_replay [--mutations=N] [--seed=S] DIR_OR_FILE...
//
// STRATA_FUZZ_REPLAY_MUTATIONS overrides N (long mode). Prints
// "replay: F files, E executions".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "util/random.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Run(const std::string& s) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Applies one random edit to s; `other` is another seed for splicing.
void MutateOnce(strata::Random* rng, const std::string& other, std::string* s) {
  static const uint8_t kBytes[] = {0x00, 0x01, 0x7f, 0x80, 0xff, '"', '\\',
                                   ',',  ' ',  '=',  '\n', '{',  '[', '('};
  static const uint32_t kWords[] = {
      0, 1, 0x7f, 0x80, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff};
  const size_t n = s->size();
  switch (rng->Uniform(8)) {
    case 0:  // flip a bit
      if (n > 0)
        (*s)[rng->Uniform(n)] ^= static_cast<char>(1 << rng->Uniform(8));
      break;
    case 1:  // an interesting byte
      if (n > 0) {
        (*s)[rng->Uniform(n)] =
            static_cast<char>(kBytes[rng->Uniform(sizeof(kBytes))]);
      }
      break;
    case 2:  // an interesting little-endian u32 (lengths, counts)
      if (n >= 4) {
        uint32_t w = kWords[rng->Uniform(sizeof(kWords) / sizeof(kWords[0]))];
        size_t at = rng->Uniform(n - 3);
        for (int i = 0; i < 4; i++)
          (*s)[at + i] = static_cast<char>(w >> (8 * i));
      }
      break;
    case 3:  // truncate
      s->resize(n == 0 ? 0 : rng->Uniform(n));
      break;
    case 4: {  // insert random bytes
      std::string ins(1 + rng->Uniform(8), '\0');
      for (char& c : ins) c = static_cast<char>(rng->Uniform(256));
      s->insert(n == 0 ? 0 : rng->Uniform(n + 1), ins);
      break;
    }
    case 5:  // erase a chunk
      if (n > 0) {
        size_t at = rng->Uniform(n);
        s->erase(at, 1 + rng->Uniform(std::min<size_t>(n - at, 64)));
      }
      break;
    case 6:  // duplicate a chunk
      if (n > 0) {
        size_t at = rng->Uniform(n);
        std::string chunk = s->substr(at, 1 + rng->Uniform(64));
        s->insert(rng->Uniform(s->size() + 1), chunk);
      }
      break;
    default:  // splice: our head, the other seed's tail
      if (!other.empty()) {
        *s = s->substr(0, n == 0 ? 0 : rng->Uniform(n)) +
             other.substr(rng->Uniform(other.size()));
      }
      break;
  }
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t mutations = 200;
  uint64_t seed = 1;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; i++) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--mutations=")) {
      mutations = std::strtoull(argv[i] + 12, nullptr, 10);
    } else if (arg.starts_with("--seed=")) {
      seed = std::strtoull(argv[i] + 7, nullptr, 10);
    } else if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::directory_iterator(argv[i])) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (std::filesystem::is_regular_file(argv[i])) {
      files.emplace_back(argv[i]);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (const char* env = std::getenv("STRATA_FUZZ_REPLAY_MUTATIONS")) {
    mutations = std::strtoull(env, nullptr, 10);
  }
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs\n");
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> seeds;
  for (const auto& f : files) seeds.push_back(ReadAll(f));

  uint64_t executions = 0;
  Run("");
  executions++;
  for (size_t i = 0; i < seeds.size(); i++) {
    Run(seeds[i]);
    executions++;
    strata::Random rng(seed * 1000003 + i);
    for (uint64_t m = 0; m < mutations; m++) {
      std::string s = seeds[i];
      const std::string& other = seeds[rng.Uniform(seeds.size())];
      int edits = 1 + static_cast<int>(rng.Uniform(4));
      for (int e = 0; e < edits; e++) MutateOnce(&rng, other, &s);
      Run(s);
      executions++;
    }
  }
  std::printf("replay: %zu files, %llu executions\n", seeds.size(),
              static_cast<unsigned long long>(executions));
  return 0;
}
