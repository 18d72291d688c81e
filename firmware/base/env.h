/*
 * env.h — the environment kofu runs with, cleaned at start-up.
 *
 * Libraries read the environment behind kofu's back: libcurl writes TLS
 * secrets to $SSLKEYLOGFILE and sends the center's traffic to
 * $https_proxy/$ALL_PROXY, glibc opens $TZ/$TZDIR, fontconfig and libcups
 * read their own files and servers from it. kofu's settings come from its
 * configuration file instead, so env_clean() keeps only the variables named
 * in env.c (what kofu reads itself, and what a library needs to find the
 * devices and keys of this machine) and removes everything else. README,
 * "Environment", says the list.
 *
 * Owns: nothing (the process environment).
 */
#ifndef KOFU_ENV_H
#define KOFU_ENV_H

/** Keep the allowed variables, clear the rest (clearenv). Call first in
 *  main, before any library is initialised or any thread started. With
 *  $DISPLAY set and no $XAUTHORITY, $XAUTHORITY becomes $HOME/.Xauthority
 *  (Xlib's default), since $HOME itself is not kept; and G_SLICE is set to
 *  always-malloc, so that every block glib hands out is freed (and wiped)
 *  through free. Returns 0, or -1 when
 *  the environment could not be rebuilt (then it is empty). */
int env_clean(void);

#endif
