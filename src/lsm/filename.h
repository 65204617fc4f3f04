// Names of the files in a DB directory:
//   NNNNNN.log  WAL          NNNNNN.sst  table        MANIFEST-NNNNNN
//   CURRENT     LOCK         *.tmp       temporaries (removed on open)
#ifndef STRATA_LSM_FILENAME_H_
#define STRATA_LSM_FILENAME_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

enum class FileType { kLog, kTable, kManifest, kCurrent, kLock, kTemp };

std::string LogFileName(std::string_view dir, uint64_t number);
std::string TableFileName(std::string_view dir, uint64_t number);
std::string ManifestFileName(std::string_view dir, uint64_t number);
std::string CurrentFileName(std::string_view dir);
std::string LockFileName(std::string_view dir);
std::string TempFileName(std::string_view dir, uint64_t number);

// Parses a bare file name; false if it is not one of ours.
bool ParseFileName(std::string_view name, uint64_t* number, FileType* type);

}  // namespace strata

#endif  // STRATA_LSM_FILENAME_H_
