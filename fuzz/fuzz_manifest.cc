// Fuzz target: the manifest (schema/manifest.md). Byte 0 picks the mode:
//  even: the rest is one version edit for VersionEdit::DecodeFrom; what
//        decodes must re-encode to bytes that decode to the same encoding;
//  odd:  the rest is a manifest file named by CURRENT, recovered with
//        VersionSet::Recover in a fresh in-memory env (as given, and with
//        the log checksums repaired so edits reach the decoder).
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "lsm/version.h"
#include "lsm/version_edit.h"

namespace strata::fuzz {
namespace {

void DecodeEdit(std::string_view bytes) {
  VersionEdit edit;
  if (!edit.DecodeFrom(bytes, "fuzz").ok()) return;
  (void)edit.DebugString();
  std::string once;
  edit.EncodeTo(&once);
  VersionEdit again;
  FUZZ_CHECK(again.DecodeFrom(once, "fuzz re-encoded").ok());
  std::string twice;
  again.EncodeTo(&twice);
  FUZZ_CHECK(once == twice);
}

void RecoverManifest(const std::string& manifest) {
  std::unique_ptr<Env> env = NewMemEnv();
  const std::string dir = "/fuzz";
  if (!env->CreateDir(dir).ok()) return;
  if (!WriteFile(env.get(), dir + "/MANIFEST-000005", manifest)) return;
  if (!WriteFile(env.get(), dir + "/CURRENT", "MANIFEST-000005\n")) return;
  VersionSet versions(dir, env.get());
  if (!versions.Recover().ok()) return;
  auto v = versions.current();
  (void)v->NumFiles();
  (void)v->TotalBytes();
  (void)versions.LiveFiles();
}

}  // namespace
}  // namespace strata::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::fuzz;
  if (size < 1) return 0;
  std::string rest(AsView(data + 1, size - 1));
  if ((data[0] & 1) == 0) {
    DecodeEdit(rest);
  } else {
    RecoverManifest(rest);
    RecoverManifest(RepairLogChecksums(rest));
  }
  return 0;
}
