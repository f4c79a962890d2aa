#ifndef CIMAGESHIMS_H
#define CIMAGESHIMS_H
/* setjmp-guarded wrappers around libjpeg and libpng live here (see ImageIO). */
int cimageshims_version(void);
#endif
