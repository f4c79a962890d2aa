// What Swift cannot call in libhdf5 directly: its type and property constants are macros
// (H5T_NATIVE_FLOAT expands to a call and a global), and strings come in two layouts.
// Every function returns a negative value on failure; the error stack is never printed
// (cnnviz_h5_silence), and cnnviz_h5_last_error gives its innermost message instead.
#ifndef CHDF5_SHIMS_H
#define CHDF5_SHIMS_H

#include <hdf5.h>
#include <stddef.h>

/// Turns off libhdf5's automatic printing of error stacks to stderr (call once, first).
void cnnviz_h5_silence(void);
/// The innermost description on the current error stack, copied into buffer (empty if none).
void cnnviz_h5_last_error(char *buffer, size_t size);

hid_t cnnviz_h5_default(void);        // H5P_DEFAULT
hid_t cnnviz_h5_native_float(void);   // H5T_NATIVE_FLOAT
hid_t cnnviz_h5_ieee_f32le(void);     // H5T_IEEE_F32LE, how Keras stores float32
hid_t cnnviz_h5_all(void);            // H5S_ALL

/// Opens an HDF5 file held in memory (a copy of bytes is taken), read-only. `name` must be unique
/// among open files: libhdf5 takes two in-memory files of one name for the same file.
hid_t cnnviz_h5_open_image(const void *bytes, size_t size, const char *name);
/// Creates an empty HDF5 file in memory only (never written to disk).
hid_t cnnviz_h5_create_in_memory(const char *name);
/// The bytes of an in-memory file: call with buffer NULL for the size, then with a buffer.
ssize_t cnnviz_h5_file_image(hid_t file, void *buffer, size_t size);

/// Reads the string attribute `name` of `object` (a scalar or a 1-D list; fixed or variable
/// length) into one malloc'd buffer of `*count` NUL-terminated strings, one after another.
/// A numeric attribute with no elements (how h5py stores an empty list) gives count 0.
/// Returns NULL with *status 1 if there is no such attribute, 2 if it is not strings, -1 on error.
char *cnnviz_h5_read_strings(hid_t object, const char *name, size_t *count, int *status);
/// Writes a variable-length UTF-8 string attribute, as h5py does: scalar if `scalar`, else a list.
int cnnviz_h5_write_strings(hid_t object, const char *name, const char *const *strings, size_t count, int scalar);
/// Writes an empty list attribute (float64, shape (0,)), as h5py stores `[]`.
int cnnviz_h5_write_empty_list(hid_t object, const char *name);

#endif
