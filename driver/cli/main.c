/*
 * main.c - the rwkvacc command: dispatches to one subcommand per file.
 */
#include "cli.h"

#include <errno.h>
#include <string.h>


static const char usage[] =
    "usage: rwkvacc COMMAND [OPTIONS]\n"
    "\n"
    "Runs RWKV language models on a backend of librwkvacc (\"ref\": the float\n"
    "reference; see `rwkvacc backends`).\n"
    "\n"
    "commands:\n"
    "  info MODEL          print a model's version, sizes and file details\n"
    "  logits              write the logits after every token of a prompt to a file\n"
    "  generate            sample text from a model\n"
    "  eval                cross-entropy and top-1 accuracy of a model on a text\n"
    "  tokenize            print the token ids of a text\n"
    "  detokenize          write the bytes of token ids\n"
    "  bench               tokens per second of a backend\n"
    "  cycles              a card's cycles and bytes per token (sim: the RTL)\n"
    "  quantize IN OUT     quantize a float model to INT8 or INT4 weights\n"
    "  randmodel           write a random-weight model of any shape\n"
    "  backends            list the backends\n"
    "\n"
    "  rwkvacc COMMAND --help    options of a command\n"
    "  rwkvacc --version         version of the command\n"
    "\n"
    "Errors print one line to stderr; the exit status is 1 for a failure and 2 for\n"
    "a usage error.\n";

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"info", cmd_info},         {"logits", cmd_logits},     {"generate", cmd_generate},
    {"eval", cmd_eval},         {"tokenize", cmd_tokenize}, {"detokenize", cmd_detokenize},
    {"bench", cmd_bench},       {"backends", cmd_backends}, {"quantize", cmd_quantize},
    {"randmodel", cmd_randmodel}, {"trace", cmd_trace},       {"conform", cmd_conform},
    {"cycles", cmd_cycles},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("missing command (see rwkvacc --help)");
    const char *a = argv[1];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(a, "--version") || !strcmp(a, "-V") || !strcmp(a, "version")) {
        printf("rwkvacc %s\n", CLI_VERSION);
        return CLI_EXIT_OK;
    }
    if (!strcmp(a, "help")) {
        if (argc < 3) {
            fputs(usage, stdout);
            return CLI_EXIT_OK;
        }
        const command *c = find_command(argv[2]);
        if (!c)
            return cli_usage("unknown command '%.60s' (see rwkvacc --help)", argv[2]);
        char *help_argv[] = {argv[2], (char *)"--help", NULL};
        return c->run(2, help_argv);
    }
    if (a[0] == '-')
        return cli_usage("unknown option '%.60s' (see rwkvacc --help)", a);
    const command *c = find_command(a);
    if (!c)
        return cli_usage("unknown command '%.60s' (see rwkvacc --help)", a);
    int rc = c->run(argc - 1, argv + 1);
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CLI_EXIT_OK)
        return cli_fail("cannot write standard output: %s",
                        errno ? strerror(errno) : "write error");
    return rc;
}
