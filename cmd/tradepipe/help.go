package main

import (
	"fmt"

	"github.com/alecthomas/kong"
	mangokong "github.com/alecthomas/mango-kong"
	kongcompletion "github.com/jotaen/kong-completion"
	"github.com/muesli/roff"
)

// helpCmd is 'tradepipe help [COMMAND]', as in gh and kubectl: the same
// text as 'tradepipe COMMAND --help'.
type helpCmd struct {
	Command []string `arg:"" optional:"" name:"COMMAND" help:"The command to explain (default: all of them)."`
}

func (h *helpCmd) Run(kctx *kong.Context) error {
	ctx, err := kong.Trace(kctx.Kong, h.Command)
	if err == nil {
		err = ctx.Error
	}
	if err != nil {
		return usageError("help: %v", err)
	}
	return ctx.PrintUsage(false)
}

// completionCmd prints the shell code that makes the shell ask tradepipe
// itself for completions (kong-completion, from the same definitions as
// the flags: commands, flags, enum values, report names, files).
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"bash, zsh or fish. Load it with: source <(tradepipe completion bash), or for fish: tradepipe completion fish | source."`
}

func (c *completionCmd) Run(kctx *kong.Context) error {
	return (&kongcompletion.Completion{Shell: c.Shell, Code: true}).Run(kctx)
}

// manCmd prints the man page, made from the same definitions (mango-kong).
type manCmd struct{}

func (manCmd) Run(kctx *kong.Context, e *env) error {
	man := mangokong.NewManPage(1, kctx.Model)
	_, err := fmt.Fprint(e.stdout, man.Build(roff.NewDocument()))
	return err
}
