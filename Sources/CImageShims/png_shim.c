/*
 * libpng behind setjmp: decode any PNG to 8-bit RGB, encode PNGs of every colour type.
 *
 * libpng reports errors through png_error, which calls our error function; that records the
 * message and png_longjmp's back to the setjmp in the function that made the handles, which
 * frees them. All state that changes after setjmp lives in a heap context (not in locals), so
 * nothing is lost across the longjmp.
 */
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CImageShims.h"

/* The last warning is kept in front of the error: libpng explains "Invalid IHDR data" in a
 * warning just before it ("Image width exceeds user limit in IHDR"). */
static void cis_png_error(png_structp png, png_const_charp message) {
    cis_result *result = (cis_result *)png_get_error_ptr(png);
    char warning[CIS_MESSAGE_LENGTH];
    snprintf(warning, sizeof warning, "%s", result->message);
    if (warning[0] != 0) {
        snprintf(result->message, CIS_MESSAGE_LENGTH, "%s (%s)", message, warning);
    } else {
        snprintf(result->message, CIS_MESSAGE_LENGTH, "%s", message);
    }
    png_longjmp(png, 1);
}

/* Warnings (bad ancillary chunks, odd sRGB profiles) are not errors: remember the last one. */
static void cis_png_warning(png_structp png, png_const_charp message) {
    cis_result *result = (cis_result *)png_get_error_ptr(png);
    snprintf(result->message, CIS_MESSAGE_LENGTH, "%s", message);
}

/* ---- decode ---- */

typedef struct {
    const unsigned char *bytes;
    size_t size;
    size_t position;
    unsigned char *pixels;
    png_bytep *rows;
    int code;
} png_read_context;

static void cis_png_read(png_structp png, png_bytep out, size_t count) {
    png_read_context *context = (png_read_context *)png_get_io_ptr(png);
    if (count > context->size - context->position) {
        png_error(png, "the file ends early (truncated)");
    }
    memcpy(out, context->bytes + context->position, count);
    context->position += count;
}

int cis_png_decode(const unsigned char *bytes, size_t size, unsigned long max_pixels, cis_result *result) {
    memset(result, 0, sizeof *result);
    if (size < 8 || png_sig_cmp(bytes, 0, 8) != 0) {
        snprintf(result->message, CIS_MESSAGE_LENGTH, "not a PNG file (bad signature)");
        return CIS_ERROR;
    }
    png_read_context *context = calloc(1, sizeof *context);
    if (context == NULL) return CIS_NO_MEMORY;
    context->bytes = bytes;
    context->size = size;
    context->code = CIS_ERROR;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, result, cis_png_error, cis_png_warning);
    if (png == NULL) { free(context); return CIS_NO_MEMORY; }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) { png_destroy_read_struct(&png, NULL, NULL); free(context); return CIS_NO_MEMORY; }

    if (setjmp(png_jmpbuf(png))) {
        int code = context->code;
        png_destroy_read_struct(&png, &info, NULL);
        free(context->rows);
        free(context->pixels);
        free(context);
        return code;
    }
    png_set_read_fn(png, context, cis_png_read);
    /* Refuse absurd dimensions while reading IHDR, before anything is allocated for pixels. */
    png_uint_32 side_limit = max_pixels > 0x7fffffffUL ? 0x7fffffffUL : (png_uint_32)max_pixels;
    png_set_user_limits(png, side_limit, side_limit);
    png_set_chunk_malloc_max(png, 8u << 20);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    result->source_width = (int)width;
    result->source_height = (int)height;
    if ((unsigned long long)width * height > max_pixels) {
        context->code = CIS_TOO_LARGE;
        result->message[0] = 0;
        char limit[64];
        snprintf(limit, sizeof limit, "more than the limit of %lu megapixels", max_pixels / 1000000);
        png_error(png, limit);
    }
    int color = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);  /* also expands tRNS to alpha */
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16) png_set_strip_16(png);                            /* keep the high byte */
    if ((color & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS)) {
        png_set_strip_alpha(png);                                      /* convert('RGB') drops it */
    }
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 3) {
        png_error(png, "unexpected row layout after conversion to RGB");
    }
    context->pixels = malloc((size_t)width * height * 3 + 1);
    context->rows = malloc(sizeof(png_bytep) * (height + 1));
    if (context->pixels == NULL || context->rows == NULL) {
        context->code = CIS_NO_MEMORY;
        png_error(png, "out of memory");
    }
    for (png_uint_32 y = 0; y < height; y++) context->rows[y] = context->pixels + (size_t)y * width * 3;
    png_read_image(png, context->rows);

    result->message[0] = 0;
    result->data = context->pixels;
    result->size = (size_t)width * height * 3;
    result->width = (int)width;
    result->height = (int)height;
    png_destroy_read_struct(&png, &info, NULL);
    free(context->rows);
    free(context);
    return CIS_OK;
}

/* ---- encode ---- */

typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
} png_write_context;

static void cis_png_write(png_structp png, png_bytep bytes, size_t count) {
    png_write_context *context = (png_write_context *)png_get_io_ptr(png);
    if (count > context->capacity - context->size) {
        size_t capacity = context->capacity ? context->capacity : 4096;
        while (count > capacity - context->size) capacity *= 2;
        unsigned char *grown = realloc(context->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        context->data = grown;
        context->capacity = capacity;
    }
    memcpy(context->data + context->size, bytes, count);
    context->size += count;
}

static void cis_png_flush(png_structp png) { (void)png; }

int cis_png_encode(const unsigned char *rows, size_t row_bytes, int width, int height,
                   int color_type, int bit_depth, int interlace,
                   const unsigned char *palette, int palette_count,
                   const unsigned char *trans, int trans_count,
                   int compression_level, cis_result *result) {
    memset(result, 0, sizeof *result);
    if (width <= 0 || height <= 0 || palette_count < 0 || palette_count > 256 || trans_count < 0 || trans_count > 256) {
        snprintf(result->message, CIS_MESSAGE_LENGTH, "invalid PNG parameters");
        return CIS_ERROR;
    }
    png_color colors[256];
    for (int i = 0; i < palette_count; i++) {
        colors[i].red = palette[3 * i]; colors[i].green = palette[3 * i + 1]; colors[i].blue = palette[3 * i + 2];
    }
    png_write_context *context = calloc(1, sizeof *context);
    png_bytep *pointers = malloc(sizeof(png_bytep) * (size_t)height);
    if (context == NULL || pointers == NULL) { free(context); free(pointers); return CIS_NO_MEMORY; }
    for (int y = 0; y < height; y++) pointers[y] = (png_bytep)(rows + (size_t)y * row_bytes);

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, result, cis_png_error, cis_png_warning);
    if (png == NULL) { free(context); free(pointers); return CIS_NO_MEMORY; }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) { png_destroy_write_struct(&png, NULL); free(context); free(pointers); return CIS_NO_MEMORY; }

    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(context->data);
        free(context);
        free(pointers);
        return CIS_ERROR;
    }
    png_set_write_fn(png, context, cis_png_write, cis_png_flush);
    png_set_compression_level(png, compression_level);
    /* No row filters: CNNViz's pictures are flat colour blocks; unfiltered rows encode three
       times faster than libpng's default of trying all five filters on every row, and came out
       smaller for a feature-map sheet (108 KB against 140 KB), larger for a kernel sheet
       (249 KB against 165 KB). */
    png_set_filter(png, 0, PNG_FILTER_NONE);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_type,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_PLTE(png, info, colors, palette_count);
    if (trans_count > 0) png_set_tRNS(png, info, trans, trans_count, NULL);
    png_write_info(png, info);
    png_write_image(png, pointers);
    png_write_end(png, info);

    result->message[0] = 0;
    result->data = context->data;
    result->size = context->size;
    result->width = width;
    result->height = height;
    png_destroy_write_struct(&png, &info);
    free(context);
    free(pointers);
    return CIS_OK;
}
