#include "CHDF5Shims.h"

#include <stdlib.h>
#include <string.h>

void cnnviz_h5_silence(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char *buffer; size_t size; } error_text;

// Called from the outermost error to the innermost (H5E_WALK_UPWARD starts at the innermost,
// which says what actually went wrong, e.g. "truncated file"); keeps the first.
static herr_t keep_first(unsigned n, const H5E_error2_t *error, void *data) {
    error_text *out = (error_text *)data;
    if (n == 0 && error->desc != NULL && out->size > 0) {
        strncpy(out->buffer, error->desc, out->size - 1);
        out->buffer[out->size - 1] = '\0';
    }
    return 0;
}

void cnnviz_h5_last_error(char *buffer, size_t size) {
    if (size == 0) return;
    buffer[0] = '\0';
    error_text out = {buffer, size};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_first, &out);
    H5Eclear2(H5E_DEFAULT);
}

hid_t cnnviz_h5_default(void) { return H5P_DEFAULT; }
hid_t cnnviz_h5_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t cnnviz_h5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
hid_t cnnviz_h5_all(void) { return H5S_ALL; }

hid_t cnnviz_h5_open_image(const void *bytes, size_t size, const char *name) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    hid_t file = -1;
    // The core driver keeps the file in memory; no backing store: nothing is written to disk.
    if (H5Pset_fapl_core(fapl, 1 << 20, 0) >= 0 && H5Pset_file_image(fapl, (void *)bytes, size) >= 0) {
        file = H5Fopen(name, H5F_ACC_RDONLY, fapl);
    }
    hid_t failure = file < 0 ? H5Eget_current_stack() : -1;  // H5Pclose would clear it
    H5Pclose(fapl);
    if (failure >= 0) H5Eset_current_stack(failure);
    return file;
}

hid_t cnnviz_h5_create_in_memory(const char *name) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    hid_t file = -1;
    if (H5Pset_fapl_core(fapl, 1 << 20, 0) >= 0) {
        file = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    }
    H5Pclose(fapl);
    return file;
}

ssize_t cnnviz_h5_file_image(hid_t file, void *buffer, size_t size) {
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) return -1;
    return H5Fget_file_image(file, buffer, size);
}

// Reads all strings of an open attribute into one buffer of NUL-terminated strings.
static char *read_open_strings(hid_t attribute, size_t *count, int *status) {
    char *result = NULL;
    hid_t type = H5Aget_type(attribute);
    hid_t space = H5Aget_space(attribute);
    hid_t memory = -1;
    if (type < 0 || space < 0) goto done;
    hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) goto done;
    if (H5Tget_class(type) != H5T_STRING) {
        if (n == 0) {  // h5py's empty list: a float64 array of no elements
            *count = 0;
            *status = 0;
            result = malloc(1);
        } else {
            *status = 2;
        }
        goto done;
    }
    htri_t variable = H5Tis_variable_str(type);
    if (variable < 0) goto done;
    memory = H5Tcopy(H5T_C_S1);
    // libhdf5 converts no string between character sets: read UTF-8 as UTF-8, ASCII as ASCII.
    if (memory < 0 || H5Tset_cset(memory, H5Tget_cset(type)) < 0) goto done;
    if (variable) {
        if (H5Tset_size(memory, H5T_VARIABLE) < 0) goto done;
        char **pointers = calloc((size_t)n + 1, sizeof(char *));
        if (pointers == NULL) goto done;
        if (H5Aread(attribute, memory, pointers) >= 0) {
            size_t total = 0;
            for (hssize_t i = 0; i < n; i++) total += (pointers[i] ? strlen(pointers[i]) : 0) + 1;
            result = malloc(total + 1);
            if (result != NULL) {
                char *p = result;
                for (hssize_t i = 0; i < n; i++) {
                    size_t length = pointers[i] ? strlen(pointers[i]) : 0;
                    if (length) memcpy(p, pointers[i], length);
                    p[length] = '\0';
                    p += length + 1;
                }
                *count = (size_t)n;
                *status = 0;
            }
            H5Dvlen_reclaim(memory, space, H5P_DEFAULT, pointers);
        }
        free(pointers);
    } else {
        size_t width = H5Tget_size(type);
        if (width == 0 || H5Tset_size(memory, width + 1) < 0) goto done;  // room for a NUL each
        result = calloc((size_t)n, width + 1);
        if (result == NULL) goto done;
        if (H5Aread(attribute, memory, result) < 0) {
            free(result);
            result = NULL;
            goto done;
        }
        // Pack: each slot is width + 1 bytes, NUL-terminated (padding may be NULs or spaces).
        char *out = result;
        for (hssize_t i = 0; i < n; i++) {
            const char *slot = result + (size_t)i * (width + 1);
            size_t length = strnlen(slot, width);
            while (length > 0 && slot[length - 1] == ' ') length--;
            memmove(out, slot, length);
            out[length] = '\0';
            out += length + 1;
        }
        *count = (size_t)n;
        *status = 0;
    }
done:;
    // Closing calls clear the error stack: keep the failure's for cnnviz_h5_last_error.
    hid_t failure = result == NULL ? H5Eget_current_stack() : -1;
    if (memory >= 0) H5Tclose(memory);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (failure >= 0) H5Eset_current_stack(failure);
    return result;
}

char *cnnviz_h5_read_strings(hid_t object, const char *name, size_t *count, int *status) {
    *count = 0;
    *status = -1;
    htri_t exists = H5Aexists(object, name);
    if (exists < 0) return NULL;
    if (exists == 0) {
        *status = 1;
        return NULL;
    }
    hid_t attribute = H5Aopen(object, name, H5P_DEFAULT);
    if (attribute < 0) return NULL;
    char *result = read_open_strings(attribute, count, status);
    hid_t failure = result == NULL ? H5Eget_current_stack() : -1;
    H5Aclose(attribute);
    if (failure >= 0) H5Eset_current_stack(failure);
    return result;
}

int cnnviz_h5_write_strings(hid_t object, const char *name, const char *const *strings, size_t count, int scalar) {
    int result = -1;
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = -1, attribute = -1;
    if (type < 0 || H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) goto done;
    if (scalar) {
        if (count != 1) goto done;
        space = H5Screate(H5S_SCALAR);
    } else {
        hsize_t dims[1] = {count};
        space = H5Screate_simple(1, dims, NULL);
    }
    if (space < 0) goto done;
    attribute = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attribute < 0) goto done;
    if (count == 0 || H5Awrite(attribute, type, strings) >= 0) result = 0;
done:;
    hid_t failure = result < 0 ? H5Eget_current_stack() : -1;
    if (attribute >= 0) H5Aclose(attribute);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (failure >= 0) H5Eset_current_stack(failure);
    return result;
}

int cnnviz_h5_write_empty_list(hid_t object, const char *name) {
    hsize_t dims[1] = {0};
    hid_t space = H5Screate_simple(1, dims, NULL);
    if (space < 0) return -1;
    hid_t attribute = H5Acreate2(object, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    if (attribute < 0) return -1;
    H5Aclose(attribute);
    return 0;
}
