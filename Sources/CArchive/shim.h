/* libarchive, the system library (Debian: libarchive-dev). */
#include <archive.h>
#include <archive_entry.h>
