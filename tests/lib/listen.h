/*
 * listen.h — what a speaker played, recognised from a recording: the kiosk
 * image's test hears kofu's voice prompts through QEMU's emulated sound
 * card (intel-hda → a WAV file on the host) and names each prompt it heard
 * by comparing the loudness envelope of the recording (10 ms steps, dB)
 * with the first 1.5 s of sound of every prompt file. The envelope survives
 * what lies between: ALSA's rate and channel conversion, the codec, QEMU's
 * mixing; a prompt cut short by the next one is heard if its first 1.5 s
 * were played.
 *
 * Owns nothing past a call. Test code only.
 */
#ifndef KOFU_TESTS_LIB_LISTEN_H
#define KOFU_TESTS_LIB_LISTEN_H

#include <stddef.h>

#define KT_HEARD_MAX 64

struct kt_heard {
    double seconds;       /* the recording's length */
    double sound_seconds; /* of it, louder than silence (-45 dBFS) */
    int n;                /* prompts recognised, in the order played */
    char names[KT_HEARD_MAX][48];
    double at[KT_HEARD_MAX]; /* where each begins in the recording, seconds */
};

/** Listen to recording (RIFF/WAVE, 16-bit PCM, any rate, mono or stereo)
 *  for the prompts of prompt_dir (its *.wav, named by their file names
 *  without .wav). 0, or -1 when a file cannot be read. */
int kt_listen(const char *recording, const char *prompt_dir, struct kt_heard *heard);

#endif
