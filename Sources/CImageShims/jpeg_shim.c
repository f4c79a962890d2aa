/*
 * libjpeg(-turbo) behind setjmp: decode to 8-bit RGB (optionally DCT-scaled), encode.
 *
 * libjpeg's default error_exit prints and calls exit(). Ours formats the message and longjmps
 * back to the setjmp in the function that created the decompress/compress object, which
 * destroys it and frees every buffer. State that changes after setjmp lives in a heap context.
 */
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include "CImageShims.h"

typedef struct {
    struct jpeg_error_mgr manager;  /* first, so a j_common_ptr's err can be cast to this */
    jmp_buf jump;
    int truncated;
    char message[JMSG_LENGTH_MAX];
} cis_jpeg_error;

static void cis_jpeg_error_exit(j_common_ptr info) {
    cis_jpeg_error *error = (cis_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

/* Warnings are not printed. Two mean the picture's data ran out: "Premature end of JPEG file"
 * (the file is cut; PIL refuses it too: "image file is truncated") and "premature end of data
 * segment" (the scan ends before the image does; PIL would silently fill the rest with gray).
 * Both stop decoding at once, so a lying header never gets a whole gray picture written. */
static void cis_jpeg_emit_message(j_common_ptr info, int level) {
    if (level < 0) {
        cis_jpeg_error *error = (cis_jpeg_error *)info->err;
        if (info->err->msg_code == JWRN_JPEG_EOF || info->err->msg_code == JWRN_HIT_MARKER) error->truncated = 1;
        info->err->num_warnings++;
    }
}

/* Headers above this many pixels must also be plausible for the file's size. */
#define CIS_JPEG_SMALL_PIXELS 4000000ULL
#define CIS_JPEG_PIXELS_PER_BYTE 2000ULL

static void cis_jpeg_output_message(j_common_ptr info) { (void)info; }

static void cis_jpeg_install_errors(cis_jpeg_error *error) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = cis_jpeg_error_exit;
    error->manager.emit_message = cis_jpeg_emit_message;
    error->manager.output_message = cis_jpeg_output_message;
}

/* ---- decode ---- */

typedef struct {
    struct jpeg_decompress_struct info;
    cis_jpeg_error error;
    unsigned char *pixels;
    JSAMPROW *rows;
    unsigned char *row;
    int code;
} jpeg_read_context;

/* PIL's MULDIV255: a·b/255 rounded, in integers. */
static inline int cis_muldiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
}

/* CMYK → RGB as PIL's cmyk2rgb: with nk = 255 − K, R = nk − C·nk/255. Files with an Adobe
 * marker store inverted CMYK (Photoshop's convention, PIL's "CMYK;I"). */
static void cis_cmyk_row_to_rgb(const unsigned char *in, unsigned char *out, int width, int inverted) {
    for (int x = 0; x < width; x++) {
        int c = in[4 * x], m = in[4 * x + 1], y = in[4 * x + 2], k = in[4 * x + 3];
        if (inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        int nk = 255 - k;
        out[3 * x] = (unsigned char)(nk - cis_muldiv255(c, nk));
        out[3 * x + 1] = (unsigned char)(nk - cis_muldiv255(m, nk));
        out[3 * x + 2] = (unsigned char)(nk - cis_muldiv255(y, nk));
    }
}

int cis_jpeg_decode(const unsigned char *bytes, size_t size, unsigned long max_pixels,
                    int min_width, int min_height, cis_result *result) {
    memset(result, 0, sizeof *result);
    jpeg_read_context *context = calloc(1, sizeof *context);
    if (context == NULL) return CIS_NO_MEMORY;
    context->code = CIS_ERROR;
    context->info.err = &context->error.manager;
    cis_jpeg_install_errors(&context->error);

    if (setjmp(context->error.jump)) {
        int code = context->code;
        snprintf(result->message, CIS_MESSAGE_LENGTH, "%s", context->error.message);
        jpeg_destroy_decompress(&context->info);
        free(context->pixels);
        free(context->rows);
        free(context->row);
        free(context);
        return code;
    }
    jpeg_create_decompress(&context->info);
    /* A progressive file keeps every DCT coefficient in memory (2 bytes per sample): cap what a
     * header can make libjpeg allocate; beyond it libjpeg fails cleanly (no backing store). */
    context->info.mem->max_memory_to_use = 1024L * 1024 * 1024;
    jpeg_mem_src(&context->info, bytes, (unsigned long)size);
    jpeg_read_header(&context->info, TRUE);

    struct jpeg_decompress_struct *info = &context->info;
    result->source_width = (int)info->image_width;
    result->source_height = (int)info->image_height;
    unsigned long long pixels = (unsigned long long)info->image_width * info->image_height;
    if (pixels > max_pixels) {
        context->code = CIS_TOO_LARGE;
        snprintf(context->error.message, JMSG_LENGTH_MAX, "more than the limit of %lu megapixels", max_pixels / 1000000);
        longjmp(context->error.jump, 1);
    }
    /* Even a blank photo needs about a byte per 150 pixels; a header claiming over 2000 pixels
     * per byte of file is lying, and a progressive decoder would zero a coefficient buffer
     * for all of them before finding out. */
    if (pixels > CIS_JPEG_SMALL_PIXELS && pixels > CIS_JPEG_PIXELS_PER_BYTE * (unsigned long long)size) {
        context->code = CIS_TOO_LARGE;
        snprintf(context->error.message, JMSG_LENGTH_MAX, "far more than a file of %zu bytes can hold", size);
        longjmp(context->error.jump, 1);
    }
    int cmyk = info->jpeg_color_space == JCS_CMYK || info->jpeg_color_space == JCS_YCCK;
    info->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    if (min_width > 0 && min_height > 0) {
        /* The smallest scale M/8 whose output still covers the target size. */
        for (unsigned int num = 1; num <= 8; num++) {
            info->scale_num = num;
            info->scale_denom = 8;
            jpeg_calc_output_dimensions(info);
            if (info->output_width >= (JDIMENSION)min_width && info->output_height >= (JDIMENSION)min_height) break;
        }
    }
    jpeg_start_decompress(info);

    size_t width = info->output_width, height = info->output_height;
    context->pixels = malloc(width * height * 3 + 1);
    context->rows = malloc(sizeof(JSAMPROW) * (height + 1));
    if (cmyk) context->row = malloc(width * 4 + 1);
    if (context->pixels == NULL || context->rows == NULL || (cmyk && context->row == NULL)) {
        context->code = CIS_NO_MEMORY;
        snprintf(context->error.message, JMSG_LENGTH_MAX, "out of memory");
        longjmp(context->error.jump, 1);
    }
    if (cmyk) {
        while (info->output_scanline < info->output_height && !context->error.truncated) {
            size_t y = info->output_scanline;
            JSAMPROW target = context->row;
            if (jpeg_read_scanlines(info, &target, 1) != 1) break;
            cis_cmyk_row_to_rgb(context->row, context->pixels + y * width * 3, (int)width, info->saw_Adobe_marker);
        }
    } else {
        /* Offering every remaining row lets libjpeg write several per call (faster). */
        for (size_t y = 0; y < height; y++) context->rows[y] = context->pixels + y * width * 3;
        while (info->output_scanline < info->output_height && !context->error.truncated) {
            JDIMENSION y = info->output_scanline;
            if (jpeg_read_scanlines(info, context->rows + y, info->output_height - y) == 0) break;
        }
    }
    if (context->error.truncated || info->output_scanline < info->output_height) {
        snprintf(context->error.message, JMSG_LENGTH_MAX, "the file ends early (truncated)");
        longjmp(context->error.jump, 1);
    }
    result->data = context->pixels;
    result->size = width * height * 3;
    result->width = (int)width;
    result->height = (int)height;
    /* Not jpeg_finish_decompress: every pixel is decoded; a missing EOI marker is no error. */
    jpeg_destroy_decompress(info);
    free(context->rows);
    free(context->row);
    free(context);
    return CIS_OK;
}

/* ---- encode ---- */

typedef struct {
    struct jpeg_compress_struct info;
    cis_jpeg_error error;
    unsigned char *output;
    unsigned long output_size;
} jpeg_write_context;

int cis_jpeg_encode(const unsigned char *pixels, int width, int height, int components,
                    int quality, int progressive, int ycck, cis_result *result) {
    memset(result, 0, sizeof *result);
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION
        || (components != 1 && components != 3 && components != 4)) {
        snprintf(result->message, CIS_MESSAGE_LENGTH, "invalid JPEG parameters (%d×%d, %d channels)", width, height, components);
        return CIS_ERROR;
    }
    jpeg_write_context *context = calloc(1, sizeof *context);
    if (context == NULL) return CIS_NO_MEMORY;
    context->info.err = &context->error.manager;
    cis_jpeg_install_errors(&context->error);

    if (setjmp(context->error.jump)) {
        snprintf(result->message, CIS_MESSAGE_LENGTH, "%s", context->error.message);
        jpeg_destroy_compress(&context->info);
        free(context->output);
        free(context);
        return CIS_ERROR;
    }
    struct jpeg_compress_struct *info = &context->info;
    jpeg_create_compress(info);
    jpeg_mem_dest(info, &context->output, &context->output_size);
    info->image_width = (JDIMENSION)width;
    info->image_height = (JDIMENSION)height;
    info->input_components = components;
    info->in_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(info);
    if (components == 4 && ycck) jpeg_set_colorspace(info, JCS_YCCK);
    jpeg_set_quality(info, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    if (progressive) jpeg_simple_progression(info);
    jpeg_start_compress(info, TRUE);
    size_t stride = (size_t)width * components;
    while (info->next_scanline < info->image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info->next_scanline * stride);
        jpeg_write_scanlines(info, &row, 1);
    }
    jpeg_finish_compress(info);

    result->data = context->output;
    result->size = context->output_size;
    result->width = width;
    result->height = height;
    jpeg_destroy_compress(info);
    free(context);
    return CIS_OK;
}
