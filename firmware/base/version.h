/*
 * version.h — kofu's version: the one place it is written (`kofu version`,
 * `kofu diag`'s report).
 */
#ifndef KOFU_VERSION_H
#define KOFU_VERSION_H

#define KOFU_VERSION "0.2.0"

#endif
