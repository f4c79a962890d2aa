// The target's only function is inline, in include/CPrefetch.h; SwiftPM wants one source file.
#include "CPrefetch.h"
