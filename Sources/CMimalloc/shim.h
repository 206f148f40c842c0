// mimalloc (Debian libmimalloc-dev): linked into the CLI, it serves every malloc and free of
// the process (Swift's runtime included) in place of glibc's allocator.
#include <mimalloc.h>
