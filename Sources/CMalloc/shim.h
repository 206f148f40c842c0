// glibc's malloc tuning (mallopt), for the CLI's memory settings.
#include <malloc.h>
