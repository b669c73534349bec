package main

import (
	"fmt"
)

// checkCmd validates a config as run and schedule would, without running
// anything or touching the database: exit 0 when it is good, 2 (listing
// every mistake with its line) when not.
type checkCmd struct {
	configFlag
}

func (c *checkCmd) Run(e *env) error {
	cfg, err := c.load()
	if err != nil {
		return err
	}
	steps := 0
	for _, j := range cfg.Jobs {
		steps += len(j.Steps)
	}
	_, err = fmt.Fprintf(e.stdout, "%s: ok: %d job(s), %d step(s), %d dataset(s), %d group(s); database %s\n",
		cfg.File, len(cfg.Jobs), steps, len(cfg.Datasets), len(cfg.Groups), cfg.DB)
	return err
}
