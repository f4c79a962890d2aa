/* Shared pieces of the image shims. */
#include <stdlib.h>
#include "CImageShims.h"

void cis_free(void *pointer) { free(pointer); }
