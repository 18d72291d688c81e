/*
 * cmd_prompts.c — `kofu prompts list`: the words of every voice prompt, for
 * the build (board/sim/make-prompts.sh speaks them with espeak-ng into
 * DIR/LANG/NAME.wav).
 *
 * One line per prompt and language: "NAME<TAB>LANG<TAB>WORDS". The words
 * are fixed text from ui/voice.c; nothing here touches a card, the vault or
 * the center.
 */
#include "cli/cmd.h"

#include "base/errors.h"
#include "ui/voice.h"

#include <stdio.h>
#include <string.h>

static void prompts_usage(FILE *f)
{
    fprintf(f, "usage: kofu prompts list\n");
}

static int prompts_list(void)
{
    static const struct {
        const char *code;
        enum kofu_lang lang;
    } langs[] = {{"ja", KOFU_LANG_JA}, {"en", KOFU_LANG_EN}};
    const char *name;
    for (size_t i = 0; (name = voice_prompt_at(i)) != NULL; i++) {
        for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
            const char *words = voice_prompt_text(name, langs[l].lang);
            /* A tab or newline in the words would break the line format. */
            if (!words || !*words || strpbrk(words, "\t\n\r")) {
                fprintf(stderr, "kofu prompts: no usable %s words for %s\n", langs[l].code, name);
                return 1;
            }
            printf("%s\t%s\t%s\n", name, langs[l].code, words);
        }
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

int cmd_prompts(int argc, char **argv)
{
    if (argc == 1 && !strcmp(argv[0], "list"))
        return prompts_list();
    prompts_usage(stderr);
    return 2;
}
