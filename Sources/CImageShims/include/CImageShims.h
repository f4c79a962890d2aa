#ifndef CIMAGESHIMS_H
#define CIMAGESHIMS_H
/*
 * setjmp-guarded calls into libjpeg(-turbo) and libpng.
 *
 * Both libraries report a fatal error by calling an error handler that must not return; the
 * defaults print and exit(). Each function here installs a handler that records the message and
 * longjmps back into the SAME C function, which frees every handle and buffer it made and returns
 * a non-zero code. No longjmp ever crosses a Swift frame: Swift calls these functions and gets a
 * plain return code and a message.
 *
 * Memory: a successful decode or encode returns a malloc'ed buffer in `result->data`; the caller
 * frees it with cis_free. On failure `result->data` is NULL and `result->message` says why.
 */
#include <stddef.h>

#define CIS_MESSAGE_LENGTH 256

typedef struct {
    unsigned char *data;   /* decoded pixels (RGB, 8 bit, rows top to bottom) or encoded bytes */
    size_t size;           /* bytes in data */
    int width;             /* decoded width (after any DCT scaling) */
    int height;            /* decoded height */
    int source_width;      /* width the file header declares */
    int source_height;     /* height the file header declares */
    char message[CIS_MESSAGE_LENGTH]; /* why it failed, empty on success */
} cis_result;

/* Return codes. */
#define CIS_OK 0
#define CIS_ERROR 1        /* the library rejected the data (corrupt, truncated, unsupported) */
#define CIS_TOO_LARGE 2    /* the header declares more pixels than max_pixels: nothing allocated */
#define CIS_NO_MEMORY 3

void cis_free(void *pointer);

/* ---- PNG ---- */

/* Decodes any PNG (gray, gray+alpha, palette with or without tRNS, RGB, RGBA; 1-16 bit;
 * interlaced or not) to 8-bit RGB. Alpha and tRNS are dropped, 16-bit samples keep their high
 * byte, gray is replicated: the same pixels as PIL's Image.open(...).convert('RGB') for 8-bit. */
int cis_png_decode(const unsigned char *bytes, size_t size, unsigned long max_pixels, cis_result *result);

/* Encodes rows already in PNG sample layout (big-endian 16-bit samples, sub-byte samples packed
 * most significant bit first), `row_bytes` apart. color_type is a PNG_COLOR_TYPE_* value.
 * palette: palette_count RGB triples (PNG_COLOR_TYPE_PALETTE only); trans: trans_count alpha
 * values for the palette entries (may be 0). interlace: 0 none, 1 Adam7. */
int cis_png_encode(const unsigned char *rows, size_t row_bytes, int width, int height,
                   int color_type, int bit_depth, int interlace,
                   const unsigned char *palette, int palette_count,
                   const unsigned char *trans, int trans_count,
                   int compression_level, cis_result *result);

/* ---- JPEG ---- */

/* Decodes a JPEG (baseline or progressive; gray, YCbCr, RGB, CMYK or YCCK) to 8-bit RGB with
 * libjpeg's defaults (islow DCT, fancy upsampling), as PIL does. CMYK follows PIL: an Adobe
 * marker means inverted CMYK, and R = (255 - C)(255 - K)/255 on the true values.
 * min_width/min_height > 0 enable DCT scaling: the smallest scale M/8 whose output is still at
 * least that size (0, 0: full size, exact). A file that ends early is an error (PIL refuses
 * truncated files too); other recoverable corruption warnings are tolerated like PIL. */
int cis_jpeg_decode(const unsigned char *bytes, size_t size, unsigned long max_pixels,
                    int min_width, int min_height, cis_result *result);

/* Encodes 1 (gray), 3 (RGB) or 4 (CMYK, written with an Adobe marker, stored as given) channel
 * pixels. progressive: jpeg_simple_progression. ycck: store 4-channel input as YCCK. */
int cis_jpeg_encode(const unsigned char *pixels, int width, int height, int components,
                    int quality, int progressive, int ycck, cis_result *result);

#endif
