// The target's functions are inline, in include/CKernelShims.h; SwiftPM wants one source file.
#include "CKernelShims.h"
